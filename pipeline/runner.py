"""Runs a day's stages in order: decides what to run, skip or resume, and records what happened.

Without flags a run resumes: it starts at the first stage whose artifact is missing or older than the
artifact it is made from (like make), and a published day is left alone. `from_stage` reruns that
stage and all after it; `force` reruns everything; `only` runs one stage. Each run appends one JSON
line to work/<date>/runs.jsonl.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Callable

from pipeline.config import Config
from pipeline.context import StageContext
from pipeline.errors import DailycastError
from pipeline.stages import mix, publish, script, stories, voice

log = logging.getLogger("dailycast")


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[StageContext], Any]
    artifact: str  # present and fresh: the stage is done


STAGES: tuple[Stage, ...] = (
    Stage("stories", stories.run, stories.ARTIFACT),
    Stage("script", script.run, script.ARTIFACT),
    Stage("voice", voice.run, voice.ARTIFACT),
    Stage("mix", mix.run, mix.ARTIFACT),
    Stage("publish", publish.run, publish.ARTIFACT),
)
STAGE_NAMES = tuple(stage.name for stage in STAGES)


@dataclass
class StageOutcome:
    stage: str
    status: str  # ran | skipped | failed
    seconds: float = 0.0
    detail: str = ""


@dataclass
class RunRecord:
    date: str
    trigger: str
    started: str
    finished: str = ""
    outcome: str = "running"  # published | already-published | done | failed
    error: str = ""
    stages: list[StageOutcome] = field(default_factory=list)

    def ran(self) -> list[str]:
        return [s.stage for s in self.stages if s.status == "ran"]


def plan(ctx: StageContext, force: bool = False, from_stage: str | None = None, only: str | None = None) -> list[Stage]:
    """The stages this run will execute, in order."""
    if only:
        return [_stage(only)]
    if from_stage:
        return list(STAGES[STAGE_NAMES.index(_stage(from_stage).name):])
    if force:
        return list(STAGES)
    previous_mtime = 0.0
    for position, stage in enumerate(STAGES):
        path = ctx.path(stage.artifact)
        if not path.exists() or path.stat().st_mtime < previous_mtime:
            return list(STAGES[position:])
        previous_mtime = path.stat().st_mtime
    return []


def run_day(
    config: Config,
    day: date,
    *,
    force: bool = False,
    from_stage: str | None = None,
    only: str | None = None,
    trigger: str = "manual",
    now: datetime | None = None,
    accept_script: bool = False,
) -> RunRecord:
    now = now or datetime.now(timezone.utc)
    ctx = StageContext(config=config, date=day, now=now, accept_script=accept_script)
    ctx.workdir.mkdir(parents=True, exist_ok=True)
    record = RunRecord(date=day.isoformat(), trigger=trigger, started=_stamp())
    to_run = plan(ctx, force=force, from_stage=from_stage, only=only)
    if not to_run:
        log.info("%s is already published; use --force or --from-stage to make it again", day)
        record.outcome = "already-published"
    try:
        for stage in STAGES:
            if stage not in to_run:
                record.stages.append(StageOutcome(stage.name, "skipped"))
                continue
            log.info("stage %s: running for %s", stage.name, day)
            started = time.perf_counter()
            try:
                stage.run(ctx)
            except DailycastError as exc:
                record.stages.append(StageOutcome(stage.name, "failed", _since(started), str(exc)))
                raise
            record.stages.append(StageOutcome(stage.name, "ran", _since(started)))
        if to_run:
            record.outcome = "published" if to_run[-1].name == "publish" else "done"
    except DailycastError as exc:
        record.outcome, record.error = "failed", str(exc)
        raise
    finally:
        record.finished = _stamp()
        _append(ctx, record)
    return record


def history(config: Config, day: date) -> list[dict]:
    path = config.work_root / day.isoformat() / "runs.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _stage(name: str) -> Stage:
    for stage in STAGES:
        if stage.name == name:
            return stage
    raise DailycastError(f"unknown stage {name!r} (stages: {', '.join(STAGE_NAMES)})")


def _append(ctx: StageContext, record: RunRecord) -> None:
    with open(ctx.path("runs.jsonl"), "a", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(record)) + "\n")


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 3)


def _stamp() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
