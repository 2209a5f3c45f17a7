"""APScheduler wiring only: a cron job in the show's timezone that calls the same function as `dailycast run`.

The job starts at the deadline minus the lead time on the configured days, DST-correct (the trigger
works in wall-clock time of show.timezone). Jobs live in a SQLAlchemy job store on SQLite
(work/schedule.sqlite) with coalesce, max_instances=1 and a misfire grace time, so a machine that was
off at the start time and boots within the grace time still makes the day's episode. Holidays and the
skip list are checked when the job fires, and the day is recorded as skipped.
"""

from __future__ import annotations

import logging
import signal
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from apscheduler.events import EVENT_JOB_MISSED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from pipeline import clock
from pipeline.config import Config
from pipeline.errors import ConfigError
from pipeline.ops import history
from pipeline.ops.deadline import deadline_for, lead_for, lead_time

if TYPE_CHECKING:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

log = logging.getLogger("dailycast")
JOB_ID = "daily-episode"
REVIEW_JOB_ID = "review-deadline"
STORE = "schedule.sqlite"
_LOOKAHEAD_DAYS = 400


def skip_reason(config: Config, day: date) -> str | None:
    """Why `day` has no show (skip list, public holiday), or None."""
    if day in config.schedule.skip:
        return "on the skip list (schedule.skip)"
    if config.schedule.public_holidays:
        import holidays

        name = holidays.country_holidays(config.schedule.public_holidays, years=day.year).get(day)
        if name:
            return f"public holiday: {name}"
    return None


def is_show_day(config: Config, day: date) -> bool:
    """Whether `day` is one of schedule.days (by the same cron field the scheduler uses)."""
    midnight = datetime.combine(day, datetime.min.time(), tzinfo=config.show.tz)
    trigger = CronTrigger(day_of_week=config.schedule.days, hour=0, minute=0, timezone=config.show.tz)
    fire = trigger.get_next_fire_time(None, midnight)
    return fire is not None and fire.date() == day


def unscheduled_reason(config: Config, day: date) -> str | None:
    """For runs started by cron or a systemd timer (which may catch up a missed start on a weekend)."""
    if not is_show_day(config, day):
        return f"not a show day (schedule.days: {config.schedule.days})"
    return skip_reason(config, day)


def start_trigger(config: Config, lead: timedelta | None = None) -> CronTrigger:
    """Deadline minus lead, on the show days, in the show's timezone."""
    lead = lead_time(config) if lead is None else lead
    deadline = config.schedule.deadline
    minutes = deadline.hour * 60 + deadline.minute - lead.total_seconds() / 60
    if minutes < 0:
        raise ConfigError(
            f"schedule: a lead of {lead.total_seconds() / 60:.0f} min starts before midnight of the show day; "
            "use a later schedule.deadline or a shorter schedule.lead_minutes"
        )
    minutes = int(minutes)
    return CronTrigger(day_of_week=config.schedule.days, hour=minutes // 60, minute=minutes % 60,
                       timezone=config.show.tz)


def review_close_trigger(config: Config) -> CronTrigger:
    """When the review window closes: the run then publishes an episode nobody held."""
    return start_trigger(config, timedelta(minutes=config.review.closes_minutes_before))


def next_run(config: Config, now: datetime | None = None, trigger: CronTrigger | None = None) -> datetime | None:
    """The next time the job will make an episode: the trigger's next fire time on a day that is not skipped."""
    now = (now or clock.now()).astimezone(config.show.tz)
    trigger = trigger or start_trigger(config)
    previous = None
    for _ in range(_LOOKAHEAD_DAYS):
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None:
            return None
        if skip_reason(config, fire.date()) is None:
            return fire
        previous, now = fire, fire + timedelta(seconds=1)
    return None


def configure(scheduler: BaseScheduler, config: Config, config_path: Path, *, job: Callable[[str], None],
              on_missed: Callable[[Config, datetime], None], executor=None) -> BaseScheduler:
    """Sets up `scheduler` (not yet started): job store, executor, defaults, and the show's jobs.

    `job(config_path)` makes the day's episode (a module-level function: the job store keeps a reference
    to it); `on_missed(config, scheduled_time)` hears of a run missed beyond the misfire grace time.
    """
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore  # SQLAlchemy: 0.2 s, for the scheduler only

    store = SQLAlchemyJobStore(url=f"sqlite:///{config.work_root / STORE}")
    config.work_root.mkdir(parents=True, exist_ok=True)
    scheduler.configure(
        jobstores={"default": store},
        executors={"default": executor or ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": int(config.schedule.misfire_grace_minutes * 60)},
        timezone=config.show.tz,
    )
    now = clock.now()
    jobs = [(JOB_ID, start_trigger(config), "make the day's episode")]
    if config.review.enabled:
        jobs.append((REVIEW_JOB_ID, review_close_trigger(config), "publish an unheld episode as review closes"))
    for job_id, trigger, name in jobs:
        extra = {}
        missed = _missed_run_time(store, scheduler, job_id, now)
        if missed is not None:
            # Re-adding the job would plan it from now and forget the run the machine slept through;
            # keep that time so APScheduler's misfire grace decides whether it still runs.
            extra["next_run_time"] = missed
        scheduler.add_job(job, trigger=trigger, args=[str(Path(config_path).resolve())],
                          id=job_id, name=name, replace_existing=True, **extra)
    scheduler.add_listener(
        lambda event: on_missed(config, event.scheduled_run_time) if event.job_id == JOB_ID else None,
        EVENT_JOB_MISSED)
    return scheduler


def _missed_run_time(store: SQLAlchemyJobStore, scheduler: BaseScheduler, job_id: str, now: datetime):
    store.start(scheduler, "default")  # idempotent: creates the table if needed
    try:
        job = store.lookup_job(job_id)
    except LookupError:  # stored by an older version under a function name that has since moved
        return None
    if job is None or job.next_run_time is None or job.next_run_time > now:
        return None
    return job.next_run_time


def describe_next(config: Config, now: datetime | None = None) -> str:
    return plan_next(config, now)[1]


def plan_next(config: Config, now: datetime | None = None) -> tuple[datetime | None, str]:
    """The next run's time and its description, from one read of the history and one walk of the calendar."""
    if config.schedule.lead_minutes is not None:
        typical, source = None, "configured"
    else:
        typical = history.typical_run_seconds(config)
        source = "default until the history has 3 full runs" if typical is None else "learnt from the run history"
    lead = lead_for(config, typical)
    fire = next_run(config, now, start_trigger(config, lead))
    if fire is None:
        return None, "no run scheduled"
    return fire, (f"{fire:%a %Y-%m-%d %H:%M %Z} (deadline {deadline_for(config, fire.date()):%H:%M}, "
                  f"lead {lead.total_seconds() / 60:.0f} min {source})")


def run_in_foreground(config: Config, config_path: Path, *, job: Callable[[str], None],
                      on_missed: Callable[[Config, datetime], None], say: Callable[[str], None]) -> None:
    """`dailycast schedule`: the scheduler in this process until Ctrl-C or SIGTERM; `say` prints a line."""
    from apscheduler.events import EVENT_SCHEDULER_STARTED
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = configure(BlockingScheduler(), config, config_path, job=job, on_missed=on_missed)

    def started(event) -> None:
        planned = scheduler.get_job(JOB_ID)
        fire = planned.next_run_time if planned else None
        say(f"Next run: {describe_next(config)}")
        if fire is not None and fire < clock.now():
            say(f"A run missed at {fire:%Y-%m-%d %H:%M %Z} starts now (within the misfire grace time).")
        say("Scheduler running; Ctrl-C or SIGTERM stops it.")

    def stop(*_) -> None:
        if scheduler.running:
            scheduler.shutdown(wait=False)  # the main loop sees the state and returns
        else:
            raise SystemExit(0)

    scheduler.add_listener(started, EVENT_SCHEDULER_STARTED)
    signal.signal(signal.SIGTERM, stop)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        if scheduler.running:
            scheduler.shutdown(wait=False)
    say("Scheduler stopped.")
