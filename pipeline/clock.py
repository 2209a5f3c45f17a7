"""The one place the pipeline reads the time, so a test can run a month of mornings in seconds."""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(timezone.utc)
