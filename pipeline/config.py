"""config.yaml, loaded once into typed models and passed down.

Every error names the file and the key (`hosts[1].voice.pitch_semitones`). Provider blocks are
validated by the options model of the provider they name, so a typo in a provider option is caught
at start-up, not at 05:45 when the stage runs. Secrets never live in the file: a provider option
ending in `_env` names an environment variable, which must be set.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from pipeline.errors import ConfigError
from pipeline.providers import VOICES, WRITERS, ProviderOptions

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProviderSpec(Section):
    """`{provider: NAME, ...options}` in the file; a bare `NAME` is short for `{provider: NAME}`."""

    provider: str
    options: dict[str, Any] = Field(default_factory=dict)
    _parsed: ProviderOptions | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _split_options(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"provider": value}
        if isinstance(value, dict) and "options" not in value:
            return {"provider": value.get("provider"), "options": {k: v for k, v in value.items() if k != "provider"}}
        return value

    @property
    def parsed(self) -> ProviderOptions:
        if self._parsed is None:
            raise RuntimeError("provider options are parsed by load_config()")
        return self._parsed


class Owner(Section):
    name: str
    email: str


class Show(Section):
    title: str
    description: str
    language: Literal["en", "nl"] = "en"
    timezone: str = "Europe/Amsterdam"
    author: str
    owner: Owner | None = None
    link: str | None = Field(default=None, description="The show's web page; default: publish.base_url.")
    cover: Path | None = Field(default=None, description="Square JPEG/PNG, 1400-3000 px; default: generated.")
    category: str = "News"
    subcategory: str | None = "Tech News"
    explicit: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name like Europe/Amsterdam)") from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class HostConfig(Section):
    name: str = Field(min_length=1, max_length=40)
    voice: ProviderSpec = Field(default_factory=lambda: ProviderSpec(provider="piper"))


class Source(Section):
    name: str = Field(min_length=1)
    url: str = Field(min_length=1, description="An http(s) URL, or a path relative to config.yaml.")
    weight: float = Field(default=1.0, gt=0)
    language: str | None = None

    @property
    def is_remote(self) -> bool:
        return self.url.startswith(("http://", "https://"))


class Stories(Section):
    window_hours: float | None = Field(
        default=36, gt=0, description="Only items published this long before the run count; null: any date."
    )
    timeout_seconds: float = Field(default=15, gt=0)


class ScriptConfig(Section):
    target_minutes: float = Field(default=4.0, ge=1, le=30)
    words_per_minute: float = Field(default=150, ge=80, le=250, description="The voices' speaking rate.")
    writers: list[ProviderSpec] = Field(default_factory=lambda: [ProviderSpec(provider="extractive")], min_length=1)

    @property
    def target_words(self) -> int:
        return round(self.target_minutes * self.words_per_minute)


class Mix(Section):
    sample_rate: int = Field(default=44100, ge=16000, le=48000)
    bitrate: str = Field(default="128k", pattern=r"^\d{2,3}k$")
    pause_ms: int = Field(default=350, ge=0, le=3000, description="Silence between two turns.")
    story_pause_ms: int = Field(default=900, ge=0, le=5000, description="Silence where a new story begins.")
    peak_dbfs: float = Field(default=-1.0, le=0, description="True-peak ceiling of the final MP3, in dBTP.")
    quick_pause_ms: int = Field(default=180, ge=0, le=3000, description="Before a quick reply, after a question.")
    quick_reply_words: int = Field(default=6, ge=0, le=50, description="A line this short is a quick reply.")
    channels: Literal[1, 2] = Field(default=1, description="1: mono; 2: stereo (dual mono).")
    loudness_lufs: float | None = Field(
        default=None, ge=-30, le=-10, description="Integrated loudness target; default -19 mono, -16 stereo."
    )
    loudness_tolerance_lu: float = Field(default=1.0, gt=0, le=3)
    mp3_quality: int = Field(default=7, ge=0, le=9, description="LAME -q: 0 slowest, 9 fastest.")
    jingle: bool = Field(default=True, description="The show's own intro and outro music.")
    music_bed: bool = Field(default=True, description="Soft music under the greeting, ducked under speech.")
    bed_db: float = Field(default=-14.0, ge=-40, le=0, description="The bed's level against the speech.")
    duck_db: float = Field(default=-10.0, ge=-40, le=0, description="How far the bed dips while a host speaks.")
    max_silence_seconds: float = Field(default=3.0, gt=0, description="QA: the longest gap allowed in the speech.")

    @property
    def target_lufs(self) -> float:
        if self.loudness_lufs is not None:
            return self.loudness_lufs
        return -19.0 if self.channels == 1 else -16.0


class Voicing(Section):
    workers: int | None = Field(default=None, ge=1, le=64, description="Synthesis processes; default: all cores.")
    cache: bool = Field(default=True, description="Reuse a line's audio while provider, voice, options and text match.")


class Publish(Section):
    base_url: str = "http://localhost:8000/"
    dir: Path = Path("feeds")
    retention: int | None = Field(default=None, ge=1, description="Episodes kept in the feed; null: all.")

    @field_validator("base_url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an absolute http(s) URL, like https://podcast.example.org/")
        return value if value.endswith("/") else value + "/"


class Config(Section):
    show: Show
    hosts: list[HostConfig] = Field(min_length=2, max_length=2)
    sources: list[Source] = Field(min_length=1)
    stories: Stories = Field(default_factory=Stories)
    script: ScriptConfig = Field(default_factory=ScriptConfig)
    voicing: Voicing = Field(default_factory=Voicing)
    mix: Mix = Field(default_factory=Mix)
    publish: Publish = Field(default_factory=Publish)
    prompts_dir: Path = Path("prompts")
    work_dir: Path = Path("work")

    _path: Path = PrivateAttr(default=Path("config.yaml"))

    @property
    def path(self) -> Path:
        return self._path

    def resolve(self, path: Path | str) -> Path:
        """A path from the config, relative to the folder config.yaml is in."""
        path = Path(path).expanduser()
        return path if path.is_absolute() else (self._path.parent / path).resolve()

    @property
    def work_root(self) -> Path:
        return self.resolve(self.work_dir)

    @property
    def publish_dir(self) -> Path:
        return self.resolve(self.publish.dir)

    @property
    def prompts_root(self) -> Path:
        return self.resolve(self.prompts_dir)


def load_config(path: Path | str = "config.yaml", environ: dict[str, str] | None = None) -> Config:
    path = Path(path)
    environ = os.environ if environ is None else environ
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(path, exc)) from None
    config._path = path.resolve()

    problems: list[str] = []
    for where, spec, registry in _provider_specs(config):
        provider = registry.get(spec.provider)
        if provider is None:
            valid = ", ".join(sorted(registry))
            problems.append(f"{where}.provider: unknown provider {spec.provider!r} (valid: {valid})")
            continue
        try:
            spec._parsed = provider.Options.model_validate(spec.options)
        except ValidationError as exc:
            problems.extend(_lines(exc, prefix=where))
            continue
        for key, value in spec._parsed:
            if not key.endswith("_env") or not value:
                continue
            if not _ENV_NAME.fullmatch(value):
                # Never echo it: someone may have pasted the secret itself here.
                problems.append(f"{where}.{key}: must be the name of an environment variable, not a secret")
            elif not environ.get(value):
                problems.append(f"{where}.{key}: environment variable {value} is not set")
    if problems:
        raise ConfigError(f"{path}: " + ("\n  ".join([""] + problems) if len(problems) > 1 else problems[0]))
    return config


def _provider_specs(config: Config):
    for i, host in enumerate(config.hosts):
        yield f"hosts[{i}].voice", host.voice, VOICES
    for i, spec in enumerate(config.script.writers):
        yield f"script.writers[{i}]", spec, WRITERS


def _location(loc: tuple, prefix: str = "") -> str:
    parts = [prefix] if prefix else []
    for item in loc:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1]}[{item}]"] if parts else [f"[{item}]"]
        elif item != "options":  # provider options are written inline in the file
            parts.append(str(item))
    return ".".join(parts) or "(top level)"


def _lines(exc: ValidationError, prefix: str = "") -> list[str]:
    lines = []
    for error in exc.errors():
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        elif error["type"] == "missing":
            message = "required, but missing"
        else:
            value = error["input"]
            if not isinstance(value, (dict, list)):
                message = f"{message} (got {str(value)[:60]!r})"
        lines.append(f"{_location(error['loc'], prefix)}: {message}")
    return lines


def _describe(path: Path, exc: ValidationError) -> str:
    lines = _lines(exc)
    return f"{path}: " + (lines[0] if len(lines) == 1 else "\n  " + "\n  ".join(lines))
