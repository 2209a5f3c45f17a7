"""The optional review window: an episode waits before publish until approved, or until the deadline.

State lives in work/<date>/review.json: waiting (the alert went out), held (a producer stopped it: it
publishes only when approved) or approved (publish now).
"""

from __future__ import annotations

import getpass
import json
from datetime import date
from pathlib import Path

from pipeline import clock, files
from pipeline.config import Config
from pipeline.errors import DailycastError

FILE = "review.json"
WAITING, HELD, APPROVED = "waiting", "held", "approved"


def _path(config: Config, day: date) -> Path:
    return config.workdir(day) / FILE


def state(config: Config, day: date) -> str | None:
    path = _path(config, day)
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))["state"]
    except (ValueError, KeyError, TypeError):
        raise DailycastError(f"{path}: not a review state file; delete it or run `dailycast hold/approve`") from None


def mark(config: Config, day: date, new_state: str) -> None:
    if new_state not in (WAITING, HELD, APPROVED):
        raise ValueError(new_state)
    entry = {"state": new_state, "at": clock.now().isoformat(timespec="seconds"), "by": _who()}
    files.write_text(_path(config, day), json.dumps(entry) + "\n")


def states(config: Config, days: int = 14) -> dict[str, str]:
    """The review state of recent days that have one, newest first."""
    root = config.work_root
    if not root.exists():
        return {}
    found = {}
    for folder in sorted((p for p in root.iterdir() if (p / FILE).exists()), reverse=True)[:days]:
        try:
            found[folder.name] = state(config, date.fromisoformat(folder.name))
        except (ValueError, DailycastError):
            continue
    return found


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
