"""What both clouds' budgets share: the lab's limit, who is alerted, and when.

Pure Python (no provider import), so the alert plan is one table that both constructs read
and the tests and docs can name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Spend(StrEnum):
    """Which spend an alert compares with the limit."""

    ACTUAL = "actual"
    """What the month has cost so far (both clouds update it a few times a day)."""
    FORECAST = "forecast"
    """What the month will cost at the current rate: the early warning."""


@dataclass(frozen=True)
class BudgetAlert:
    spend: Spend
    percent: int
    """Of the monthly limit."""


BUDGET_ALERTS: Final = (
    BudgetAlert(Spend.ACTUAL, 80),
    BudgetAlert(Spend.ACTUAL, 100),
    BudgetAlert(Spend.FORECAST, 100),
)
"""Mail at 80 % and 100 % of what the month has really cost, and when the forecast reaches the
limit (usually days before the 100 % actual alert)."""


@dataclass(frozen=True, kw_only=True)
class LabBudgetProps:
    """Inputs of each cloud's budget construct, from ``lab.yaml`` ``cost`` (whose rules have
    checked them: :func:`lab.rules.check_cost` and :func:`lab.rules.check_budget_tag`)."""

    name: str
    """The budget's name, a DNS label (the lab's name plus ``-monthly``). Required."""
    monthly_limit: float
    """The monthly limit, at least 1 (US dollars on AWS; the billing currency on Azure)."""
    alert_emails: Sequence[str]
    """Who gets every alert, 1 to 10 addresses. Required."""
    tag_key: str
    """The tag whose value marks the lab's resources. Required."""
    tag_value: str
    """Its value on every resource the lab creates. Required."""
