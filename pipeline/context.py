"""What the runner hands each stage: the config, the day, its work folder, and the providers.

Providers are built once per run and cached here. Synthesis itself runs in pipeline.voice.synthesis,
which builds each voice once per worker process from the same config block (voice_spec).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta  # noqa: F401  (date: the dataclass field type)
from pathlib import Path
from typing import Callable

from pipeline.clock import on_air
from pipeline.config import Config, ProviderSpec
from pipeline.errors import StageError
from pipeline.models import Artifact, EpisodeIndex
from pipeline.publish.targets import load_index
from pipeline.script.writers import WRITERS, Writer
from pipeline.voice.engines import VOICES, Voice

BACKFILL_TIME = time(6, 0)  # a past day made later is dated that morning (the show's time zone)


@dataclass
class StageContext:
    config: Config
    date: date
    now: datetime
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("dailycast"))
    fast_path: bool = False  # set by the deadline guard: stages take their fastest sure fallback
    overrides: dict[str, list[str]] = field(default_factory=dict)  # producer's picks: {"pin": [...], "exclude": [...]}
    deadline_check: Callable[[], None] | None = None  # raises DeadlineSwitch when the slow path must stop
    accept_script: bool = False  # the producer voices a script that fails its checks, on purpose
    revoice: set[int] = field(default_factory=set)  # lines the speech check could not hear: the fallback voice speaks them
    _voices: dict[str, Voice] = field(default_factory=dict)

    @property
    def is_backfill(self) -> bool:
        """The day is already over where the show is: a past episode made late, not today's show."""
        return self.date < self.now.astimezone(self.config.show.tz).date()

    def show_time(self) -> datetime:
        """When the day's episode is dated in the feed: now for today's (or a future) show, a past day's
        morning for a backfill, so the feed's order stays true to the days (stories: story_cutoff)."""
        tz = self.config.show.tz
        if self.is_backfill:
            return datetime.combine(self.date, BACKFILL_TIME, tzinfo=tz)
        return self.now.astimezone(tz)

    def story_cutoff(self) -> datetime:
        """The newest moment day D's stories may come from: its scheduled start, deadline - lead (05:30
        Europe/Amsterdam with the defaults). The same for the live run, a late run by hand and a backfill,
        so all three pick the same two stories from the same items. The lead is schedule.lead_minutes, or
        default_lead_minutes when it is learnt: a learnt lead moves with the run times, the window must not."""
        schedule = self.config.schedule
        lead = schedule.lead_minutes if schedule.lead_minutes is not None else schedule.default_lead_minutes
        return on_air(self.date, schedule.deadline, self.config.show.tz) - timedelta(minutes=lead)

    @property
    def workdir(self) -> Path:
        return self.config.workdir(self.date)

    def path(self, name: str) -> Path:
        return self.workdir / name

    def read(self, name: str, model: type[Artifact]) -> Artifact:
        """An input artifact, validated: a hand edit that breaks its shape is reported by field."""
        from pydantic import ValidationError

        path = self.path(name)
        try:
            return model.model_validate_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise StageError(f"{path} is missing: run the stage that writes it first") from None
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()[:5]
            )
            raise StageError(f"{path}: {problems}") from None

    def voice_spec(self, host: str, fallback: bool = False) -> ProviderSpec:
        """The host's voice block in config.yaml; its `fallback_voice` (if it has one) on the fast path
        or when asked for: a line the speech check could not hear is voiced again with it."""
        config = next((h for h in self.config.hosts if h.name == host), None)
        if config is None:
            raise StageError(f"no host named {host!r} in config.yaml (hosts: {self.host_names})")
        return config.fallback_voice if (self.fast_path or fallback) and config.fallback_voice else config.voice

    def voice(self, host: str, fallback: bool = False) -> Voice:
        """The host's voice (see voice_spec), built once per run."""
        key = f"{host}:fast" if self.fast_path or fallback else host
        if key not in self._voices:
            self._voices[key] = _build(VOICES, self.voice_spec(host, fallback))
        return self._voices[key]

    def writers(self) -> list[Writer]:
        """The writer chain in order; on the fast path only its last link (the offline writer)."""
        specs = self.config.script.writers
        return [_build(WRITERS, spec) for spec in (specs[-1:] if self.fast_path else specs)]

    def published_index(self) -> EpisodeIndex:
        """The episodes published so far, as the publish target holds them."""
        return load_index(self.config)

    @property
    def host_names(self) -> list[str]:
        return [host.name for host in self.config.hosts]


def _build(registry: dict, spec: ProviderSpec):
    return registry[spec.provider](spec.parsed)

