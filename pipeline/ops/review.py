"""The review gate before publish: the optional review window, and the hold of a too-short episode.

With `review.enabled` an episode waits before publish until approved, or until the window closes
before the deadline. Whether or not the window is on, an episode whose script is under
`review.hold_below_share` of its target length (a day of near-empty or hostile sources) is held: it
publishes only when a producer approves it, and an alert says why.

State lives in work/<date>/review.json: waiting (the alert went out), held (a producer or the length
check stopped it: it publishes only when approved) or approved (publish now).
"""

from __future__ import annotations

import getpass
import json
import logging
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from pipeline import artifacts, clock, files
from pipeline.config import Config
from pipeline.errors import DailycastError, StageError
from pipeline.models import Script
from pipeline.ops import alerts
from pipeline.text import word_count

if TYPE_CHECKING:
    from pipeline.context import StageContext

log = logging.getLogger("dailycast")

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


def gate(ctx: StageContext, deadline: datetime, now: datetime, alert: Callable[[str, str, str], None]) -> str | None:
    """None to publish now; otherwise the run's outcome, stopped before publish ("held", "awaiting-review").

    `alert(kind, title, body)` tells the producers (once: the state file remembers it was said).
    """
    config, day = ctx.config, ctx.date
    current = state(config, day)
    if current == APPROVED:
        return None
    if current == HELD:
        log.info("%s is held for review: `dailycast approve --date %s` publishes it", day, day)
        return "held"
    short = too_short(ctx)
    if short:
        mark(config, day, HELD)
        log.warning("%s is held for review: %s; `dailycast approve --date %s` publishes it", day, short, day)
        alert(alerts.REVIEW, f"{day}: the episode is held, it is too short",
              f"The episode for {day} is held and will not publish by itself: {short}. "
              f"Audio: {ctx.path(artifacts.EPISODE_AUDIO)}\nPublish it anyway: dailycast approve --date {day}; "
              f"or rerun the day with other sources: dailycast run --date {day} --force\n\n{_script_text(ctx)}")
        return "held"
    if not config.review.enabled:
        return None
    closes = deadline - timedelta(minutes=config.review.closes_minutes_before)
    if now >= closes:
        log.info("%s: the review window closed at %s; publishing", day, closes.strftime("%H:%M"))
        return None
    if current is None:
        mark(config, day, WAITING)
        alert(alerts.REVIEW, f"{day}: episode ready for review",
              f"The episode for {day} waits for review. Audio: {ctx.path(artifacts.EPISODE_AUDIO)}\n"
              f"It publishes by itself at {closes:%H:%M} unless held: dailycast hold --date {day}; "
              f"publish now: dailycast approve --date {day}\n\n{_script_text(ctx)}")
    log.info("%s waits for review until %s", day, closes.strftime("%H:%M"))
    return "awaiting-review"


def too_short(ctx: StageContext) -> str | None:
    """Why the day's script is too short to publish unseen (under review.hold_below_share of its target), or None."""
    share = ctx.config.review.hold_below_share
    try:
        script = ctx.read(artifacts.SCRIPT, Script)
    except StageError:  # no script to measure: the publish stage says what is missing
        return None
    spoken = sum(word_count(line.text) for line in script.lines)
    if not script.target_words or spoken >= share * script.target_words:
        return None
    return (f"its script has {spoken} words, {spoken / script.target_words:.0%} of the {script.target_words} "
            f"it is meant to have (held below {share:.0%})")


def _script_text(ctx: StageContext) -> str:
    script_md = ctx.path(artifacts.SCRIPT_MD)
    return script_md.read_text(encoding="utf-8") if script_md.exists() else "(no script.md)"


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
