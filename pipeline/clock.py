"""The one place the pipeline reads the time, so a test can run a month of mornings in seconds."""

from __future__ import annotations

from datetime import date, datetime, time, timezone, tzinfo


def now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(timezone.utc)


def on_air(day: date, deadline: time, zone: tzinfo) -> datetime:
    """A day's on-air time (schedule.deadline in show.timezone), timezone-aware and DST-correct."""
    return datetime.combine(day, deadline, tzinfo=zone)
