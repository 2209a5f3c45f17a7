"""Runs a day's stages in order: decides what to run, skip or resume, and records what happened.

Without flags a run resumes: it starts at the first stage whose artifact is missing or older than the
artifact it is made from (like make), and a published day is left alone. `from_stage` reruns that
stage and all after it; `force` reruns everything; `only` runs one stage. Each run appends one JSON
line to work/<date>/runs.jsonl and a row to the run history (work/history.sqlite).

Around the stages: a lock (one run per day at a time, which also clears the temporaries a killed run
left), the deadline guard (switch to the fast path while that can still make the deadline: the offline
writer and each host's fallback voice), a fallback to the fast path when a provider or a QA check
fails (a line the speech check could not hear is first voiced again, once, by the fallback voice), the
review gate before publish (the review window, a too-short episode), and alerts. An OSError
no stage mapped (a full disk, a folder it cannot write) ends the run as a StorageError naming the path.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Callable

from pipeline import artifacts, files
from pipeline import clock as default_clock
from pipeline.config import Config, load_config
from pipeline.context import StageContext
from pipeline.errors import ConfigError, DailycastError, ProviderError, QAError, StageError, UnheardLines
from pipeline.mix import stage as mix
from pipeline.models import Script, VoiceManifest
from pipeline.ops import alerts, review, schedule
from pipeline.ops import history as run_history
from pipeline.ops.deadline import DeadlineGuard
from pipeline.ops.lock import RunLock
from pipeline.publish import stage as publish
from pipeline.script import stage as script
from pipeline.stories import stage as stories
from pipeline.voice import stage as voice

log = logging.getLogger("dailycast")


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[StageContext], Any]
    artifact: str  # present and fresh: the stage is done
    editable: str | None = None  # a file a producer may edit after the stage: an edit makes the next stages stale
    before: Callable[[StageContext], Any] | None = None  # takes in the previous stage's editable file


STAGES: tuple[Stage, ...] = (
    Stage("stories", stories.run, artifacts.STORIES),
    Stage("script", script.run, artifacts.SCRIPT, editable=artifacts.SCRIPT_MD),
    Stage("voice", voice.run, artifacts.VOICE, before=script.load),  # a script.md edit, checked again
    Stage("mix", mix.run, artifacts.EPISODE),
    Stage("publish", publish.run, artifacts.PUBLISHED),
)
STAGE_NAMES = tuple(stage.name for stage in STAGES)
LOCK = "run.lock"
RUNS = "runs.jsonl"  # one JSON line per run of the day, for producers and `dailycast status`
TRIGGERS = ("manual", "cron", "schedule")
SCHEDULED = ("cron", "schedule")  # runs nobody watches: the deadline is theirs to keep, "late" is theirs alone
# A failed stage that the fast path can redo, and where the redo starts: a mix that fails its QA
# check is voiced again with the fallback voices.
FAST_PATH_RESTART = {"script": "script", "voice": "voice", "mix": "voice"}


@dataclass
class StageOutcome:
    stage: str
    status: str  # ran | skipped | failed
    seconds: float = 0.0
    detail: str = ""
    started: str = ""


@dataclass
class RunRecord:
    date: str
    trigger: str
    started: str
    finished: str = ""
    outcome: str = "running"  # published | already-published | done | failed | awaiting-review | held
    error: str = ""
    stages: list[StageOutcome] = field(default_factory=list)
    deadline: str = ""
    late: bool | None = None  # None: not a scheduled run of the day's show (by hand, a backfill, a partial run)
    fast_path: bool = False
    fallbacks: list[dict] = field(default_factory=list)  # {stage, reason}
    writer: str | None = None
    voices: dict[str, str] = field(default_factory=dict)
    cost: float | None = None
    lock_taken_over_from: int | None = None

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
        if stage.editable and ctx.path(stage.editable).exists():
            previous_mtime = max(previous_mtime, ctx.path(stage.editable).stat().st_mtime)
    return []


def run_day(
    config: Config,
    day: date,
    *,
    force: bool = False,
    from_stage: str | None = None,
    only: str | None = None,
    trigger: str = "manual",
    clock: Callable[[], datetime] | None = None,
    lock_wait: float = 0.0,
    on_stage: Callable[[str, str], None] | None = None,
    overrides: dict[str, list[str]] | None = None,
    accept_script: bool = False,
    fast: bool = False,
) -> RunRecord:
    """Runs the day. `on_stage(event, stage)` hears "start" and "end" (for progress displays); `fast`
    takes the fast path from the start (the producer's choice)."""
    clock = clock or default_clock.now
    ctx = StageContext(config=config, date=day, now=clock(), overrides=overrides or {},
                       accept_script=accept_script)
    try:
        ctx.workdir.mkdir(parents=True, exist_ok=True)
        with _secrets_masked_in_logs(config) as secrets, RunLock(ctx.path(LOCK), wait_seconds=lock_wait) as lock:
            record = RunRecord(date=day.isoformat(), trigger=trigger, started=_stamp(clock))
            if lock.took_over:
                record.lock_taken_over_from = lock.took_over.pid
            try:
                _clear_temporaries(ctx)
                _run_stages(ctx, record, clock, force=force, from_stage=from_stage, only=only, on_stage=on_stage,
                            fast=fast)
            except DailycastError as exc:
                record.outcome, record.error = "failed", str(exc)
                raise
            finally:
                record.finished = _stamp(clock)
                _describe_output(ctx, record)
                _mask_secrets(record, secrets)
                _safely(_append, ctx, record)
                _remember(config, record)
                _alert(config, record)
    except OSError as exc:  # the day's folder or its lock cannot be written: before any stage ran
        raise files.storage_error(exc, exc.filename or ctx.workdir, writing=True) from None
    return record


def _clear_temporaries(ctx: StageContext) -> None:
    """The day's folder is this run's alone under the lock: a temporary in it is a killed run's."""
    try:
        removed = files.remove_temporaries(ctx.workdir, spare=(review.FILE,))
    except OSError as exc:
        raise files.storage_error(exc, exc.filename or ctx.workdir, writing=True) from None
    if removed:
        log.info("removed %d temporary file(s) an interrupted run left in %s", len(removed), ctx.workdir)


def _run_stage(ctx: StageContext, stage: Stage) -> None:
    try:
        if stage.before:
            stage.before(ctx)
        stage.run(ctx)
    except OSError as exc:  # one the stage did not map itself
        provider = ctx.config.publish.target.provider
        where = ctx.workdir if stage.name != "publish" else (
            ctx.config.publish_dir if provider == "local" else f"the {provider} publish target")
        raise files.storage_error(exc, exc.filename or where) from exc


def _run_stages(ctx: StageContext, record: RunRecord, clock: Callable[[], datetime], *, force: bool,
                from_stage: str | None, only: str | None, on_stage, fast: bool) -> None:
    config, day = ctx.config, ctx.date
    guard = DeadlineGuard.for_day(config, day, clock)
    record.deadline = guard.deadline.isoformat()
    # The deadline matters for making today's (or a future) show, not for a backfill, one stage, or a
    # correction (--force, --from-stage) where the producer wants the full-quality path.
    guarded = only is None and not force and from_stage is None and not ctx.is_backfill
    if guarded:
        ctx.deadline_check = guard.during
    to_run = plan(ctx, force=force, from_stage=from_stage, only=only)
    if not to_run:
        log.info("%s is already published; use --force or --from-stage to make it again", day)
        record.outcome = "already-published"
        return
    if fast:
        _take_fast_path(ctx, record, to_run[0].name, "the producer asked for it (--fast)")
    record.stages += [StageOutcome(stage.name, "skipped") for stage in STAGES[: STAGES.index(to_run[0])]]
    position = 0
    while position < len(to_run):
        stage = to_run[position]
        if stage.name == "publish":
            waiting = review.gate(ctx, guard.deadline, clock(), alert=lambda *message: _safely(alerts.send, config, *message))
            if waiting:
                record.outcome = waiting
                break
        if guarded and not ctx.fast_path:
            reason = guard.before(s.name for s in to_run[position:])
            if reason:
                _take_fast_path(ctx, record, stage.name, reason)
        log.info("stage %s: running for %s%s", stage.name, day, " (fast path)" if ctx.fast_path else "")
        if on_stage:
            on_stage("start", stage.name)
        started, started_at = clock(), _stamp(clock)
        try:
            _run_stage(ctx, stage)
        except DailycastError as exc:
            record.stages.append(StageOutcome(stage.name, "failed", _since(started, clock), str(exc), started_at))
            restart = FAST_PATH_RESTART.get(stage.name)
            redo = next((s for s in to_run[: position + 1] if s.name == restart), None)
            if isinstance(exc, UnheardLines):
                if redo is None or not set(exc.lines) - ctx.revoice:
                    raise  # voiced again by the fallback voice and still unheard: the episode does not go out
                _revoice(ctx, record, exc.lines)
                position = to_run.index(redo)
                continue
            if not isinstance(exc, (ProviderError, QAError)) or ctx.fast_path or only or redo is None:
                raise
            _take_fast_path(ctx, record, stage.name, str(exc))
            position = to_run.index(redo)
            continue
        finally:
            if on_stage:
                on_stage("end", stage.name)
        record.stages.append(StageOutcome(stage.name, "ran", _since(started, clock), "", started_at))
        position += 1
    else:
        record.outcome = "published" if to_run[-1].name == "publish" else "done"
    record.stages += [StageOutcome(stage.name, "skipped") for stage in STAGES[STAGES.index(to_run[-1]) + 1:]]
    if record.outcome == "published" and guarded and record.trigger in SCHEDULED:
        record.late = clock() > guard.deadline
        if record.late:
            log.warning("%s published late: the deadline was %s", day, guard.deadline.strftime("%H:%M"))


def _revoice(ctx: StageContext, record: RunRecord, lines: list[int]) -> None:
    """The lines the speech check could not hear, voiced again once by their host's fallback voice."""
    numbers = ", ".join(str(n) for n in lines)
    log.warning("the speech check could not hear line%s %s: voicing %s again with the fallback voice",
                "s" if len(lines) > 1 else "", numbers, "them" if len(lines) > 1 else "it")
    ctx.revoice |= set(lines)
    record.fallbacks.append({"stage": "mix", "reason": f"unheard lines {numbers}: voiced again by the fallback voice"})


def _take_fast_path(ctx: StageContext, record: RunRecord, stage: str, reason: str) -> None:
    log.warning("switching to the fast path at the %s stage: %s", stage, reason)
    ctx.fast_path = record.fast_path = True
    record.fallbacks.append({"stage": stage, "reason": reason})


def _describe_output(ctx: StageContext, record: RunRecord) -> None:
    """Writer, voices and cost of the day's artifacts, for the history."""
    try:
        made = ctx.read(artifacts.SCRIPT, Script)
    except StageError:  # the run ended before a script: nothing to say
        return
    record.writer = made.writer
    costs = [a["cost"] for a in made.attempts if isinstance(a.get("cost"), (int, float))]
    record.cost = round(sum(costs), 6) if costs else None
    if any(s.stage == "script" and s.status == "ran" for s in record.stages):
        record.fallbacks += [
            {"stage": "script", "reason": f"writer {a.get('writer')}: {a.get('outcome')}: {a.get('detail', '')}".rstrip(": ")}
            for a in made.attempts if a.get("outcome") != "accepted"
        ]
    try:
        manifest = ctx.read(artifacts.VOICE, VoiceManifest)
    except StageError:  # not voiced yet
        return
    record.voices = manifest.voices
    if any(s.stage == "voice" and s.status == "ran" for s in record.stages):
        record.fallbacks += _voice_fallbacks(manifest, ctx.revoice)


def _voice_fallbacks(manifest: VoiceManifest, revoiced: set[int]) -> list[dict]:
    """Lines a host's fallback voice spoke because the voice failed, one entry per host and reason
    (the lines the speech check could not hear are recorded where that happened)."""
    grouped: dict[tuple[str, str], list[int]] = {}
    for line in manifest.lines:
        if line.fallback and line.index not in revoiced:
            grouped.setdefault((line.speaker, line.fallback), []).append(line.index)
    return [{"stage": "voice", "reason": f"line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))} ({host}) "
                                         f"spoken by the fallback voice: {reason}"}
            for (host, reason), lines in grouped.items()]


class _SecretMask(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = alerts.scrub(message, self.secrets)
        if masked != message:
            record.msg, record.args = masked, None
        return True


@contextlib.contextmanager
def _secrets_masked_in_logs(config: Config):
    """Yields the config's secrets (worked out once per run), masked in every log line meanwhile."""
    mask = _SecretMask(alerts.secrets(config))
    loggers = [logging.getLogger(name) for name in ("dailycast", "pipeline")]
    for logger in loggers:
        logger.addFilter(mask)
    try:
        yield mask.secrets
    finally:
        for logger in loggers:
            logger.removeFilter(mask)


def _mask_secrets(record: RunRecord, secrets: list[str]) -> None:
    """Errors are written without secrets by design; masking keeps a provider's slip out of the records."""
    record.error = alerts.scrub(record.error, secrets)
    for outcome in record.stages:
        outcome.detail = alerts.scrub(outcome.detail, secrets)
    for fallback in record.fallbacks:
        fallback["reason"] = alerts.scrub(fallback["reason"], secrets)


def _remember(config: Config, record: RunRecord) -> None:
    _safely(run_history.record_run, config, asdict(record))


def _alert(config: Config, record: RunRecord) -> None:
    day = record.date
    fallbacks = "".join(f"\nFallback at {f['stage']}: {f['reason']}" for f in record.fallbacks)
    if record.outcome == "failed" and alerts.wanted(config, alerts.FAILURE, record.trigger):
        failed = next((s.stage for s in reversed(record.stages) if s.status == "failed"), "?")
        body = (f"The run for {day} failed at the {failed} stage: {record.error}\n"
                f"Nothing new was published; the feed is unchanged.{fallbacks}\n"
                f"Details: dailycast status; rerun: dailycast run --date {day}")
        _safely(alerts.send, config, alerts.FAILURE, f"{day}: the episode failed", body)
    elif record.outcome == "published" and record.late and alerts.wanted(config, alerts.LATE, record.trigger):
        body = f"The episode for {day} was published at {record.finished}, after the deadline {record.deadline}.{fallbacks}"
        _safely(alerts.send, config, alerts.LATE, f"{day}: the episode is late", body)
    elif record.outcome == "published" and alerts.wanted(config, alerts.SUCCESS, record.trigger):
        path = "fast path" if record.fast_path else "normal path"
        body = f"The episode for {day} is published ({path}, writer {record.writer}).{fallbacks}"
        _safely(alerts.send, config, alerts.SUCCESS, f"{day}: the episode is out", body)


def record_skipped_day(config: Config, day: date, trigger: str, reason: str, outcome: str = "skipped") -> None:
    """A day without a show (holiday, skip list; `missed` by the scheduler) in the history, so status shows why."""
    stamp = _stamp(default_clock.now)
    _remember(config, RunRecord(date=day.isoformat(), trigger=trigger, started=stamp, finished=stamp,
                                outcome=outcome, error=reason))


def scheduled_run(config_path: str, trigger: str = "schedule") -> None:
    """The scheduler's job (ops.schedule.configure): today's show in the show's timezone, unless the day is skipped. Never raises."""
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        log.error("scheduled run: config error: %s", exc)
        return
    day = default_clock.now().astimezone(config.show.tz).date()
    reason = schedule.skip_reason(config, day)
    if reason:
        log.info("no show on %s: %s", day, reason)
        record_skipped_day(config, day, trigger, reason)
        return
    try:
        record = run_day(config, day, trigger=trigger, lock_wait=config.schedule.lock_wait_seconds)
    except DailycastError as exc:
        log.error("scheduled run for %s failed: %s", day, exc)  # the runner has recorded it and alerted
        return
    log.info("scheduled run for %s: %s%s", day, record.outcome, " (late)" if record.late else "")


def record_missed_run(config: Config, scheduled: datetime) -> None:
    """A scheduled run missed beyond the misfire grace time: recorded as `missed`, and alerted."""
    day = scheduled.astimezone(config.show.tz).date()
    if schedule.skip_reason(config, day):
        return
    log.error("the run for %s at %s was missed by more than the misfire grace time", day,
              scheduled.strftime("%H:%M"))
    record_skipped_day(config, day, "schedule", "the machine was off or busy past the misfire grace time",
                              outcome="missed")
    if alerts.wanted(config, alerts.FAILURE, "schedule"):
        alerts.send(config, alerts.FAILURE, f"{day}: no episode, the scheduled run was missed",
                    f"The run due at {scheduled:%H:%M} was missed (machine off or busy). "
                    f"Make it by hand: dailycast run --date {day}")


def _safely(action, *args) -> None:
    """History and alerts serve the run; a failure there is logged, never the run's failure."""
    try:
        action(*args)
    except Exception as exc:  # noqa: BLE001 - deliberately broad, see above
        log.warning("%s failed: %s", getattr(action, "__name__", action), exc)


def history(config: Config, day: date) -> list[dict]:
    path = config.workdir(day) / RUNS
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _stage(name: str) -> Stage:
    for stage in STAGES:
        if stage.name == name:
            return stage
    raise DailycastError(f"unknown stage {name!r} (stages: {', '.join(STAGE_NAMES)})")


def _append(ctx: StageContext, record: RunRecord) -> None:
    with open(ctx.path(RUNS), "a", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(record)) + "\n")


def _since(started: datetime, clock: Callable[[], datetime]) -> float:
    return round((clock() - started).total_seconds(), 3)


def _stamp(clock: Callable[[], datetime]) -> str:
    return clock().astimezone(timezone.utc).isoformat(timespec="seconds")
