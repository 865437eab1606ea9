"""The lab's monthly budget in both clouds: its amount, who gets the alerts, which tag scopes it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

from lab.rules.names import check_unique
from lab.rules.violation import RuleError

MIN_BUDGET_AMOUNT: Final = 1.0
"""Azure refuses a consumption budget below 1 (terraform-provider-azurerm v4.55.0,
internal/services/consumption/consumption_budget_base.go: ``amount`` FloatAtLeast(1.0));
AWS accepts any positive amount, so the stricter bound holds for both."""
MAX_ALERT_EMAILS: Final = 10
"""AWS Budgets API reference, NotificationWithSubscribers: "A notification can have one SNS
subscriber and up to 10 email subscribers"; the smaller number holds for both clouds."""
MAX_EMAIL_LENGTH: Final = 254
"""RFC 5321 section 4.5.3.1: a path is at most 256 octets with its angle brackets."""

# A pragmatic address check, not RFC 5322 in full: one @, a local part without spaces, and a
# domain of dot-separated DNS labels ending in a letter TLD. Both clouds send to plain
# addresses; quoted local parts and IP literals are not worth the surprise.
_LOCAL: Final = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL: Final = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL: Final = re.compile(rf"{_LOCAL}@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")


def check_cost(
    *,
    max_monthly_usd: float | None,
    monthly_budget_usd: float | None,
    alert_emails: Sequence[str],
) -> None:
    """The ``cost`` section: an Infracost cap, budgets, or both; alerts only with budgets."""
    if max_monthly_usd is None and monthly_budget_usd is None:
        raise RuleError(
            "",
            "give max_monthly_usd (the Infracost cap per experiment), monthly_budget_usd "
            "(the clouds' budgets), or both; or remove the cost section",
        )
    if monthly_budget_usd is None:
        if alert_emails:
            raise RuleError("alert_emails", "need monthly_budget_usd: only budgets alert")
        return
    check_budget_amount(monthly_budget_usd)
    check_alert_emails(alert_emails)


def check_budget_amount(amount: float, *, field: str = "monthly_budget_usd") -> None:
    """A monthly limit both clouds accept."""
    if not amount >= MIN_BUDGET_AMOUNT:  # also refuses NaN
        raise RuleError(
            field,
            f"{amount} is below {MIN_BUDGET_AMOUNT:g}, the smallest budget Azure accepts; "
            "give the lab's monthly limit in US dollars",
        )


def check_email(address: str, *, field: str = "") -> None:
    """An address the budgets can send alerts to."""
    if len(address) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(address):
        raise RuleError(
            field,
            f"{address!r} is not an e-mail address; expected something like you@your-domain.org",
        )


def check_alert_emails(addresses: Sequence[str], *, field: str = "alert_emails") -> None:
    """One to ten distinct addresses: a budget that alerts nobody watches nothing."""
    if not addresses:
        raise RuleError(field, "give at least one address: a budget alerts only by e-mail")
    if len(addresses) > MAX_ALERT_EMAILS:
        raise RuleError(
            field,
            f"{len(addresses)} addresses; AWS Budgets sends each alert to at most "
            f"{MAX_ALERT_EMAILS}",
        )
    for index, address in enumerate(addresses):
        check_email(address, field=f"{field}[{index}]")
    check_unique(addresses, field=field, key=str.lower)


def check_budget_tag(key: str, tags: Mapping[str, str], *, field: str = "budget_tag") -> None:
    """The budgets count what carries ``tags[key]``: the key must be one of the lab's tags,
    with a value to match."""
    if key not in tags:
        known = ", ".join(sorted(tags)) or "none"
        raise RuleError(
            field,
            f"{key!r} is not a key of lab.yaml tags (they are: {known}); the budgets count "
            "the cost of resources carrying that tag",
        )
    if not tags[key]:
        raise RuleError(field, f"tags.{key} is empty; the budgets need a value to filter on")
