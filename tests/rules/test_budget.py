"""The budget's inputs: an amount both clouds accept, addresses that can receive alerts."""

from __future__ import annotations

import math

import pytest

from lab.rules import (
    RuleError,
    check_alert_emails,
    check_budget_amount,
    check_budget_tag,
    check_cost,
    check_email,
)
from lab.rules.placeholders import find_placeholders


@pytest.mark.parametrize("amount", [1, 1.0, 25.5, 100_000])
def test_amounts_of_at_least_one_pass(amount: float) -> None:
    check_budget_amount(amount)


@pytest.mark.parametrize("amount", [0, 0.99, -5, math.nan])
def test_amounts_azure_refuses_are_refused(amount: float) -> None:
    with pytest.raises(RuleError) as caught:
        check_budget_amount(amount, field="cost.monthly_budget_usd")
    assert caught.value.field == "cost.monthly_budget_usd"
    assert "the smallest budget Azure accepts" in caught.value.message


@pytest.mark.parametrize(
    "address",
    ["me@my-domain.org", "first.last+lab@mail.co.uk", "o'neil@x1.io", "a@b.dev"],
)
def test_plain_addresses_pass(address: str) -> None:
    check_email(address)


@pytest.mark.parametrize(
    "address",
    [
        "me",
        "me@",
        "@domain.org",
        "me@domain",  # no top-level domain
        "me@@domain.org",
        "me @domain.org",
        "me@-domain.org",
        "me@domain.org.",
        "me.@domain.org",
        "me@domain.123",
        "a" * 250 + "@b.org",
    ],
)
def test_what_is_not_an_address_is_refused(address: str) -> None:
    with pytest.raises(RuleError) as caught:
        check_email(address, field="alert_emails[0]")
    assert caught.value.field == "alert_emails[0]"
    assert "is not an e-mail address" in caught.value.message


def test_alert_lists_need_one_to_ten_distinct_addresses() -> None:
    check_alert_emails(["a@b.org"])
    check_alert_emails([f"user{n}@b.org" for n in range(10)])
    for addresses, field, fact in (
        ([], "alert_emails", "at least one address"),
        ([f"user{n}@b.org" for n in range(11)], "alert_emails", "at most 10"),
        (["a@b.org", "A@B.org"], "alert_emails[1]", "'A@B.org' is listed twice; list it once"),
        (["a@b.org", "nope"], "alert_emails[1]", "is not an e-mail address"),
    ):
        with pytest.raises(RuleError) as caught:
            check_alert_emails(addresses)
        assert caught.value.field == field
        assert fact in caught.value.message


@pytest.mark.parametrize(
    ("address", "example"),
    [
        ("you@example.com", True),
        ("you@mail.example.org", True),
        ("you@EXAMPLE.NET", True),
        ("you@lab.test", True),
        ("you@host.example", True),
        ("you@nowhere.invalid", True),
        ("you@example.co", False),
        ("you@myexample.com", False),
        ("example.com@real.org", False),
        ("you@testing.org", False),
    ],
)
def test_documentation_domains_are_recognised(address: str, example: bool) -> None:
    """The placeholder rules (lab.rules.placeholders) catch alert addresses at them."""
    found = list(find_placeholders({"cost": {"alert_emails": [address]}}))
    assert bool(found) is example
    if example:
        assert [field for field, _, _ in found] == ["cost.alert_emails[0]"]


def test_the_budget_tag_must_be_one_of_the_lab_s_tags_with_a_value() -> None:
    check_budget_tag("project", {"project": "lab", "environment": "lab"})
    with pytest.raises(RuleError) as caught:
        check_budget_tag("team", {"project": "lab"}, field="cost.budget_tag")
    assert caught.value.field == "cost.budget_tag"
    assert "'team' is not a key of lab.yaml tags (they are: project)" in caught.value.message
    with pytest.raises(RuleError) as caught:
        check_budget_tag("project", {"project": ""})
    assert "tags.project is empty" in caught.value.message


def test_the_cost_section_caps_estimates_or_sets_budgets_and_only_budgets_alert() -> None:
    check_cost(max_monthly_usd=50, monthly_budget_usd=None, alert_emails=())
    check_cost(max_monthly_usd=None, monthly_budget_usd=100, alert_emails=["a@b.org"])
    with pytest.raises(RuleError) as caught:
        check_cost(max_monthly_usd=None, monthly_budget_usd=None, alert_emails=())
    assert str(caught.value) == (
        "give max_monthly_usd (the Infracost cap per experiment), monthly_budget_usd (the "
        "clouds' budgets), or both; or remove the cost section"
    )
    with pytest.raises(RuleError) as caught:
        check_cost(max_monthly_usd=50, monthly_budget_usd=None, alert_emails=["a@b.org"])
    assert str(caught.value) == "alert_emails: need monthly_budget_usd: only budgets alert"
    with pytest.raises(RuleError) as caught:
        check_cost(max_monthly_usd=None, monthly_budget_usd=100, alert_emails=())
    assert caught.value.field == "alert_emails"
