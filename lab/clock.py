"""The day the lab's date rules are checked against.

``expires`` dates and Kubernetes support windows depend on it. One function, looked up as
``clock.today_utc()``, so the tests can stop the clock in one place.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def today_utc() -> date:
    """Today in UTC: the calendar that Spacelift's scheduled deletions follow."""
    return datetime.now(UTC).date()
