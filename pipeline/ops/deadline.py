"""The deadline guard: switch to the fast path while that can still make the deadline.

The fast path (the last writer in the chain, the offline one, and each host's `fallback_voice`) needs
`schedule.fast_path_minutes`. Two checks. Before each stage: if the recent durations of the stages
still to run (from the run history, their median) do not fit in the time left less that reserve,
switch now. During a stage (before each voiced line): if after one more step at the pace seen so far
less than the reserve would be left, stop the slow path and switch.

With less than the reserve left (the deadline is near or has passed) switching cannot make the
deadline any more, so the guard lets the full path go on: the best episode, as soon as it can. A
producer who wants the fast path anyway asks for it (`dailycast run --fast`).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Callable, Iterable

from pipeline.clock import on_air
from pipeline.config import Config
from pipeline.errors import ProviderError
from pipeline.ops import history


class DeadlineSwitch(ProviderError):
    """Raised inside a stage when the guard decides the slow path will miss the deadline."""


def deadline_for(config: Config, day: date) -> datetime:
    """The day's on-air time, timezone-aware (06:30 Europe/Amsterdam by default, DST-correct)."""
    return on_air(day, config.schedule.deadline, config.show.tz)


def lead_time(config: Config) -> timedelta:
    """How long before the deadline the scheduled run starts: configured, or learnt from the history.

    Learnt: the 90th percentile of recent full runs plus the safety margin, rounded up to 5 minutes,
    never less than the fast path's reserve plus the margin.
    """
    learnt = config.schedule.lead_minutes is None
    return lead_for(config, history.typical_run_seconds(config) if learnt else None)


def lead_for(config: Config, typical_seconds: float | None) -> timedelta:
    """lead_time with the history's typical full run (history.typical_run_seconds) already read."""
    schedule = config.schedule
    if schedule.lead_minutes is not None:
        return timedelta(minutes=schedule.lead_minutes)
    if typical_seconds is None:
        return timedelta(minutes=schedule.default_lead_minutes)
    minutes = typical_seconds / 60 + schedule.safety_margin_minutes
    minutes = max(minutes, schedule.fast_path_minutes + schedule.safety_margin_minutes)
    return timedelta(minutes=5 * math.ceil(minutes / 5))


class DeadlineGuard:
    def __init__(self, deadline: datetime, clock: Callable[[], datetime], estimates: dict[str, float],
                 reserve: timedelta) -> None:
        self.deadline = deadline
        self.clock = clock
        self.estimates = estimates
        self.reserve = reserve
        self._last_step: datetime | None = None

    @classmethod
    def for_day(cls, config: Config, day: date, clock: Callable[[], datetime]) -> "DeadlineGuard":
        return cls(deadline_for(config, day), clock, history.stage_estimates(config),
                   timedelta(minutes=config.schedule.fast_path_minutes))

    def left(self) -> timedelta:
        return self.deadline - self.clock()

    def before(self, remaining: Iterable[str]) -> str | None:
        """A reason to take the fast path before the next stage, or None to go on normally."""
        self._last_step = None
        left = self.left()
        if left < self.reserve:  # the fast path would miss it too
            return None
        needed = timedelta(seconds=sum(self.estimates.get(stage, 0.0) for stage in remaining))
        if needed > left - self.reserve:
            return (f"the remaining stages usually take {_minutes(needed)}, only {_minutes(left)} left "
                    f"before the {self.deadline:%H:%M} deadline")
        return None

    def during(self) -> None:
        """Called before each step of a slow stage: raises DeadlineSwitch when only the fast path can still make it."""
        now = self.clock()
        step = now - self._last_step if self._last_step else timedelta(0)
        self._last_step = now
        left = self.deadline - now
        if self.reserve <= left < self.reserve + step:  # switching now still leaves the fast path its time
            raise DeadlineSwitch(f"only {_minutes(left)} left before the {self.deadline:%H:%M} deadline"
                                 + (f" and a step takes {_minutes(step)}" if step else ""))


def _minutes(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 60:.1f} min"
