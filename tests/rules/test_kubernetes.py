"""Kubernetes versions as the lab writes them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lab.rules import (
    AKS_SUPPORT,
    EKS_SUPPORT,
    RuleError,
    SupportCalendar,
    check_kubernetes_minor,
    check_supported,
    support_warnings,
)


@pytest.mark.parametrize("version", ["1.35", "1.36", "1.100"])
def test_minor_versions_pass(version: str) -> None:
    assert check_kubernetes_minor(version) == version


def test_a_patch_version_is_refused_with_its_minor() -> None:
    with pytest.raises(RuleError) as caught:
        check_kubernetes_minor("1.35.2")
    assert str(caught.value) == (
        "kubernetes_version: '1.35.2' pins a patch release; give the minor version only, '1.35' "
        "(the cloud picks and upgrades the patch)"
    )


@pytest.mark.parametrize("version", ["1.3x", "v1.35", "2.0", "1.035", ""])
def test_other_shapes_are_refused(version: str) -> None:
    with pytest.raises(RuleError) as caught:
        check_kubernetes_minor(version)
    assert str(caught.value) == (
        f"kubernetes_version: {version!r} is not a Kubernetes minor version; write it like '1.35'"
    )


# --- standard-support calendars ---------------------------------------------------------


def test_the_calendars_name_their_sources() -> None:
    assert "azure-aks-docs" in AKS_SUPPORT.source
    assert "amazon-eks-user-guide" in EKS_SUPPORT.source
    # The minors both clouds support on the day the calendars were checked.
    assert AKS_SUPPORT.supported_on(date(2026, 12, 3)) == ("1.35", "1.36", "1.37")
    assert EKS_SUPPORT.supported_on(date(2026, 12, 3)) == ("1.35", "1.36")


def test_a_minor_in_support_gives_its_window() -> None:
    window = check_supported(AKS_SUPPORT, "1.36", today=date(2026, 12, 3))
    assert (window.minor, window.available, window.ends) == (
        "1.36",
        date(2026, 6, 1),
        date(2027, 7, 1),
    )


def test_the_last_day_of_support_is_still_supported() -> None:
    assert check_supported(AKS_SUPPORT, "1.34", today=date(2026, 11, 30)).minor == "1.34"
    with pytest.raises(RuleError) as caught:
        check_supported(AKS_SUPPORT, "1.34", today=date(2026, 12, 1))
    assert str(caught.value) == (
        "kubernetes_version: 1.34 left AKS standard support on 2026-12-01: AKS stops patching it "
        "and, with the patch upgrade channel, does not move the minor; the cluster falls into "
        "platform support. Use one of 1.35, 1.36, 1.37"
    )


def test_eks_says_what_its_auto_upgrade_does_to_the_pin() -> None:
    with pytest.raises(RuleError) as caught:
        check_supported(EKS_SUPPORT, "1.34", today=date(2026, 12, 3))
    assert str(caught.value) == (
        "kubernetes_version: 1.34 left EKS standard support on 2026-12-02: with the STANDARD "
        "upgrade policy EKS upgrades the control plane to the next minor itself, and lab.yaml's "
        "older pin would then plan a downgrade, which EKS refuses: move kubernetes_version "
        "first. Use one of 1.35, 1.36"
    )


def test_an_unknown_or_future_minor_is_refused() -> None:
    with pytest.raises(RuleError, match=r"'1\.29' is not an EKS minor the lab knows"):
        check_supported(EKS_SUPPORT, "1.29", today=date(2026, 12, 3))
    with pytest.raises(RuleError) as caught:
        check_supported(AKS_SUPPORT, "1.37", today=date(2026, 9, 15))
    assert str(caught.value) == (
        "kubernetes_version: 1.37 is not generally available on AKS before 2026-10-01; use one "
        "of 1.34, 1.35, 1.36"
    )


def test_support_ending_soon_or_before_an_experiment_expires_is_a_warning() -> None:
    window = check_supported(EKS_SUPPORT, "1.35", today=date(2027, 2, 1))
    assert support_warnings(EKS_SUPPORT, window, today=date(2027, 1, 1)) == []
    soon = support_warnings(EKS_SUPPORT, window, today=date(2027, 1, 26))
    assert soon == [
        "EKS standard support for 1.35 ends on 2027-03-27 (its last day is 2027-03-26), in 60 "
        "days: with the STANDARD "
        "upgrade policy EKS upgrades the control plane to the next minor itself, and lab.yaml's "
        "older pin would then plan a downgrade, which EKS refuses: move kubernetes_version "
        "first. Move kubernetes_version to a newer minor"
    ]
    later = support_warnings(
        EKS_SUPPORT,
        window,
        today=date(2027, 1, 1),
        expiries={"spike": date(2027, 3, 27), "quick": date(2027, 3, 26)},
    )
    # spike still runs on 2027-03-27, billed as extended support from that day's start;
    # quick is deleted at the end of 2027-03-26, the last day of standard support.
    assert [w.split(":")[0] for w in later] == [
        "EKS standard support for 1.35 ends on 2027-03-27 (its last day is 2027-03-26), before "
        "experiment spike expires (2027-03-27)"
    ]


@pytest.mark.parametrize(
    ("calendar", "minor", "first", "last"),
    [
        (EKS_SUPPORT, "1.34", date(2025, 10, 2), date(2026, 12, 1)),
        (EKS_SUPPORT, "1.35", date(2026, 1, 27), date(2027, 3, 26)),
        (EKS_SUPPORT, "1.36", date(2026, 6, 2), date(2027, 8, 1)),
        (AKS_SUPPORT, "1.34", date(2025, 11, 1), date(2026, 11, 30)),
        (AKS_SUPPORT, "1.35", date(2026, 3, 1), date(2027, 3, 31)),
        (AKS_SUPPORT, "1.36", date(2026, 6, 1), date(2027, 6, 30)),
        (AKS_SUPPORT, "1.37", date(2026, 10, 1), date(2027, 10, 31)),
    ],
)
def test_every_boundary_of_both_calendars_is_read_alike(
    calendar: SupportCalendar, minor: str, first: date, last: date
) -> None:
    """The release day is the first day in support; the end-of-standard-support day is the
    first day out (EKS bills extended support from its beginning)."""
    day = timedelta(days=1)
    for inside in (first, last):
        assert check_supported(calendar, minor, today=inside).minor == minor
        assert minor in calendar.supported_on(inside)
    for outside in (first - day, last + day):
        assert minor not in calendar.supported_on(outside)
        with pytest.raises(RuleError):
            check_supported(calendar, minor, today=outside)
    window = check_supported(calendar, minor, today=last)
    # On the last day the notice counts one day left; an experiment expiring then is fine.
    assert support_warnings(calendar, window, today=last, expiries={"e": last})[0].endswith(
        "in 1 days: " + calendar.after_support + ". Move kubernetes_version to a newer minor"
    )
    assert len(support_warnings(calendar, window, today=last, expiries={"e": last})) == 1
    assert len(support_warnings(calendar, window, today=last, expiries={"e": last + day})) == 2
