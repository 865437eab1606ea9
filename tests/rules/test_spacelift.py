"""lab.yaml's spacelift section: retired keys, stack labels, approvers, roles, drift detection."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from lab.rules import RuleError
from lab.rules.spacelift import (
    RETIRED_AWS_INTEGRATION_KEYS,
    RETIRED_SPACELIFT_KEYS,
    check_approvers,
    check_distinct_roles,
    check_drift_schedule,
    check_drift_worker_pool,
    check_retired,
    check_stack_labels,
)


def test_a_retired_key_is_refused_by_name_saying_what_replaced_it() -> None:
    check_retired({"read_role_arn"}, RETIRED_AWS_INTEGRATION_KEYS)
    with pytest.raises(RuleError) as caught:
        check_retired({"branch", "root_role_attachment_id"}, RETIRED_SPACELIFT_KEYS)
    assert caught.value.field == "root_role_attachment_id"
    assert caught.value.message.startswith("no longer used; spacelift-root keeps the role")


@pytest.mark.parametrize(
    ("label", "fact"),
    [
        ("", "cannot be used"),
        ("a,b", "cannot be used"),
        ("autoattach:aws", "cannot be used"),
        ("foundation", "one of the labels the policies read"),
        ("max-monthly-usd:10", "one of the labels the policies read"),
    ],
)
def test_labels_with_a_meaning_are_refused(label: str, fact: str) -> None:
    check_stack_labels(["team-a"])
    with pytest.raises(RuleError) as caught:
        check_stack_labels(["team-a", label])
    assert caught.value.field == "labels[1]"
    assert fact in caught.value.message


def test_one_person_is_one_approver() -> None:
    check_approvers([("alice", None), ("bob", "bob-gh"), ("carol", "carol")])
    with pytest.raises(RuleError) as caught:
        check_approvers([("alice", None), ("bob", "ALICE")])
    assert str(caught.value) == (
        "approvers[1]: 'ALICE' is also approvers[0]; each login names one person (logins "
        "compare case-insensitively)"
    )


def test_each_phase_has_its_own_role() -> None:
    check_distinct_roles({"read": "a", "write": "b"})
    with pytest.raises(RuleError) as caught:
        check_distinct_roles({"read": "a", "write": "a"})
    assert caught.value.field == "read"
    assert "'a' is also write" in caught.value.message


def check_drift_detection(
    *, enabled: bool, schedule: Sequence[str], worker_pool_id: str | None
) -> None:
    """Both drift-detection rules, as lab.yaml's spacelift section gets them."""
    check_drift_schedule(enabled=enabled, schedule=schedule)
    check_drift_worker_pool(enabled=enabled, worker_pool_id=worker_pool_id)


def test_drift_detection_needs_a_schedule_of_cron_expressions_and_a_worker_pool() -> None:
    check_drift_detection(enabled=True, schedule=["0 6 * * 1-5"], worker_pool_id="01POOL")
    check_drift_detection(enabled=False, schedule=[], worker_pool_id=None)
    for enabled, schedule, pool, field, message in (
        (
            True,
            [],
            "01POOL",
            "drift_detection.schedule",
            "give at least one cron expression, or set enabled: false",
        ),
        (
            False,
            ["0 6 * *"],
            None,
            "drift_detection.schedule",
            "'0 6 * *' is not a five-field cron expression (minute hour day-of-month month "
            "day-of-week)",
        ),
        (True, ["0 6 * * *"], None, "worker_pool_id", "drift_detection.enabled needs a private"),
    ):
        with pytest.raises(RuleError) as caught:
            check_drift_detection(enabled=enabled, schedule=schedule, worker_pool_id=pool)
        assert caught.value.field == field
        assert caught.value.message.startswith(message)
