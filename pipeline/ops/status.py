"""What `dailycast status` shows: the last runs from the history, review states, and the next run.

Runs are of two kinds: scheduled (cron, a systemd timer, the scheduler), which keep the deadline and
can be late, and manual (a producer's), which are never late. Each run says its `kind`, and the table
shows the two apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pipeline.config import Config
from pipeline.errors import ConfigError
from pipeline.ops import history, review, schedule

SCHEDULED, MANUAL = "scheduled", "manual"


def collect(config: Config, limit: int = 10, now: datetime | None = None) -> dict[str, Any]:
    try:
        fire, next_text = schedule.plan_next(config, now)
        next_run = fire.isoformat() if fire else None
    except ConfigError as exc:
        next_run, next_text = None, f"not schedulable: {exc}"
    return {
        "show": config.show.title,
        "next_run": next_run,
        "next_run_text": next_text,
        "review": review.states(config),
        "runs": [{**run, "kind": kind(run)} for run in history.recent_runs(config, limit, per_kind=True)],
    }


def kind(run: dict[str, Any]) -> str:
    return MANUAL if run["trigger"] == "manual" else SCHEDULED


def punctuality(run: dict[str, Any]) -> str:
    if run["outcome"] != "published" or kind(run) == MANUAL:
        return ""
    return {True: "late", False: "on time", None: "-"}[run["late"]]


def took(run: dict[str, Any]) -> str:
    try:
        seconds = (datetime.fromisoformat(run["finished"]) - datetime.fromisoformat(run["started"])).total_seconds()
    except (TypeError, ValueError):
        return ""
    return f"{seconds / 60:.1f} min" if seconds >= 120 else f"{seconds:.0f} s"
