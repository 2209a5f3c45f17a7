"""config.yaml, loaded once into typed models and passed down.

Every error names the file and the key (`hosts[1].voice.pitch_semitones`). Provider blocks are
validated by the options model of the provider they name, so a typo in a provider option is caught
at start-up, not at 05:45 when the stage runs. Secrets never live in the file: a provider option
ending in `_env` names an environment variable, which must be set.
"""

from __future__ import annotations

import os
import re
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, ValidationError, field_validator,
                      model_validator)

from pipeline.errors import ConfigError
from pipeline.files import read_yaml_mapping
from pipeline.providers import ProviderOptions
from pipeline.script.writers import WRITERS
from pipeline.voice.engines import VOICES

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")


Words = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


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
    link: str | None = Field(default=None, description="The show's web page; default: the published index.html.")
    cover: Path | None = Field(default=None, description="Square JPEG/PNG, 1400-3000 px; default: generated.")
    category: str = "News"
    subcategory: str | None = "Tech News"
    explicit: bool = False
    locked: bool = Field(default=True, description="podcast:locked: other platforms may not import the feed.")
    podcast_guid: str | None = Field(
        default=None, description="podcast:guid; default: derived from the feed URL (keep it if the feed moves).")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name like Europe/Amsterdam)") from None
        return value

    @field_validator("podcast_guid")
    @classmethod
    def _uuid(cls, value: str | None) -> str | None:
        import uuid

        if value is None:
            return None
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise ValueError("must be a UUID like 917393e3-1b1e-5cef-ace4-edaa54e1f810") from None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class HostConfig(Section):
    name: str = Field(min_length=1, max_length=40)
    voice: ProviderSpec = Field(default_factory=lambda: ProviderSpec(provider="piper"))
    fallback_voice: ProviderSpec | None = Field(
        default=None, description="The fast path's voice, and a line's when `voice` fails or is unheard; default: `voice`.")


class Source(Section):
    name: str = Field(min_length=1)
    url: str = Field(min_length=1, description="An http(s) URL, or a path relative to config.yaml.")
    weight: float = Field(default=1.0, gt=0)
    language: str | None = None
    tags: list[str] = Field(default_factory=list, description="Topic tags; stories.topics boosts them.")
    max_items: int = Field(
        default=1000, ge=1, le=100_000,
        description="A safety bound far above real feeds: a warning names the source when it cuts dated-in entries.")
    fetch_articles: bool | None = Field(
        default=None, description="Fetch each candidate's page for its full text; default: yes for URLs, no for files.")

    @property
    def reads_article_pages(self) -> bool:
        return self.is_remote if self.fetch_articles is None else self.fetch_articles

    @property
    def is_remote(self) -> bool:
        from pipeline.urls import is_http

        return is_http(self.url)


class Topic(Section):
    """A cluster gets `boost` when a source covering it is tagged `name`, or a title names a keyword."""

    name: str = Field(min_length=1)
    keywords: list[str] = Field(default_factory=list)
    boost: float = Field(default=0.5, ge=-10, le=10)


class Stories(Section):
    window_hours: float | None = Field(
        default=36, gt=0, description="Only items published this long before the run count; null: any date.")
    timeout_seconds: float = Field(default=15, gt=0)
    connect_timeout_seconds: float = Field(default=4, gt=0, description="Per connection attempt.")
    retries: int = Field(default=2, ge=0, le=5, description="Extra attempts after a timeout or a 5xx, with backoff.")
    max_feed_mb: float = Field(default=10, gt=0, le=200, description="A larger response is cut off and skipped.")
    concurrency: int = Field(default=4, ge=1, le=32, description="Sources (and article pages) fetched at once.")
    full_text: bool = Field(default=True, description="Fetch the leading candidates' article pages (trafilatura).")
    full_text_clusters: int = Field(default=6, ge=0, le=50, description="How many top candidates get full text.")
    article_timeout_seconds: float = Field(default=6, gt=0)
    article_budget_seconds: float = Field(
        default=20, gt=0, description="All article-page fetches of a run together; past it, feed text is used.")
    max_story_chars: int = Field(default=12_000, ge=500, le=100_000, description="Text kept per article.")
    cluster_threshold: float = Field(
        default=0.3, gt=0, lt=1,
        description="TF-IDF cosine at which a candidate repeats an earlier episode's story, or is a second take on a pick.")
    history_episodes: int = Field(
        default=7, ge=0, le=365, description="Stories covered in this many previous episodes are not repeated.")
    topics: list[Topic] = Field(default_factory=list, description="Score boosts for topics the show cares about.")


class ScriptConfig(Section):
    target_minutes: float = Field(default=4.0, ge=1, le=30)
    words_per_minute: float = Field(default=170, ge=80, le=250, description="The voices' speaking rate (bench/speaking_rate.py).")
    writers: list[ProviderSpec] = Field(default_factory=lambda: [ProviderSpec(provider="extractive")], min_length=1)
    max_cost_per_run: float | None = Field(
        default=None, ge=0, description="Cap on the estimated cost of paid LLM calls in one run; null: no cap.")
    allowlist: list[str] = Field(
        default_factory=list, description="Names and numbers the hosts may say besides the sources and the show's own.")
    retry_attempts: int = Field(default=3, ge=1, le=10, description="Calls per request while errors are transient.")
    retry_base_seconds: float = Field(default=2.0, ge=0, le=60, description="First backoff wait; it doubles.")

    @property
    def target_words(self) -> int:
        return round(self.target_minutes * self.words_per_minute)


class SpeechCheck(Section):
    """The QA gate's intelligibility check: a speech recognizer listens to the mixed episode."""

    enabled: bool = Field(default=True, description="Transcribe the episode with whisper base and score every line.")
    unheard_line_wer: float = Field(default=0.6, gt=0, le=1, description="A line this bad is voiced again (fallback voice).")
    min_line_words: int = Field(default=4, ge=1, le=50, description="Shorter lines are scored but never judged unheard.")
    max_host_wer: float = Field(default=0.35, gt=0, le=1, description="A host above this word error rate fails the episode.")
    threads: int | None = Field(default=None, ge=1, le=64, description="Recognizer threads; default: all cores.")


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
        default=None, ge=-30, le=-10, description="Integrated loudness target; default -19 mono, -16 stereo.")
    loudness_tolerance_lu: float = Field(default=1.0, gt=0, le=3)
    mp3_quality: int = Field(default=7, ge=0, le=9, description="LAME -q: 0 slowest, 9 fastest.")
    jingle: bool = Field(default=True, description="The show's own intro and outro music.")
    music_bed: bool = Field(default=True, description="Soft music under the greeting, ducked under speech.")
    bed_db: float = Field(default=-14.0, ge=-40, le=0, description="The bed's level against the speech.")
    duck_db: float = Field(default=-10.0, ge=-40, le=0, description="How far the bed dips while a host speaks.")
    max_silence_seconds: float = Field(default=3.0, gt=0, description="QA: the longest gap allowed in the speech.")
    speech_check: SpeechCheck = Field(default_factory=SpeechCheck)

    @property
    def target_lufs(self) -> float:
        if self.loudness_lufs is not None:
            return self.loudness_lufs
        return -19.0 if self.channels == 1 else -16.0


class Voicing(Section):
    workers: int | None = Field(default=None, ge=1, le=64, description="Synthesis processes; default: all cores.")
    cache: bool = Field(default=True, description="Reuse a line's audio while provider, voice, options and text match.")
    lexicon: dict[Words, Words] = Field(
        default_factory=dict,
        description="How to say a word or name, for every voice: {written: spoken}, whole words, case-sensitive.")


class Publish(Section):
    base_url: str = "http://localhost:8000/"
    dir: Path = Path("feeds")
    retention: int | None = Field(default=None, ge=1, description="Episodes kept in the feed; null: all.")
    target: ProviderSpec = Field(
        default_factory=lambda: ProviderSpec(provider="local"),
        description="Where the site is published: `local` (the `dir` folder) or `s3` (a bucket).")

    @field_validator("base_url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an absolute http(s) URL, like https://podcast.example.org/")
        return value if value.endswith("/") else value + "/"


class ScheduleConfig(Section):
    days: str = Field(default="mon-fri", description="Cron day_of_week: the days with a show.")
    deadline: time = Field(default=time(6, 30), description="On air by this time, in show.timezone.")
    lead_minutes: float | None = Field(
        default=None, gt=0, le=720, description="Start this long before the deadline; null: from the run history.")
    safety_margin_minutes: float = Field(default=15, ge=0, le=240)
    default_lead_minutes: float = Field(default=60, gt=0, le=720, description="The lead before there is history.")
    fast_path_minutes: float = Field(
        default=10, ge=0, le=240,
        description="What the fast path needs: it takes over while this is left and the slow path would leave less.")
    misfire_grace_minutes: float = Field(
        default=180, gt=0, description="A run missed (machine off) still starts this long after its time.")
    public_holidays: str | None = Field(default=None, description="A country code like NL: no show on its holidays.")
    skip: list[date] = Field(default_factory=list, description="Extra days without a show.")
    lock_wait_seconds: float = Field(default=600, ge=0, description="A scheduled run waits this long for a lock.")

    @field_validator("days")
    @classmethod
    def _valid_days(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger(day_of_week=value)
        except ValueError as exc:
            raise ValueError(f"not a cron day_of_week like mon-fri: {exc}") from None
        return value

    @field_validator("public_holidays")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        if value is not None:
            import holidays

            if value.upper() not in holidays.list_supported_countries():
                raise ValueError(f"no public holidays known for country {value!r} (use a code like NL)")
            value = value.upper()
        return value


class AlertsConfig(Section):
    urls: list[str] = Field(default_factory=list, description="apprise URLs without secrets, e.g. json://host/hook.")
    urls_env: str | None = Field(default=None, description="Names an env variable: more apprise URLs, space-separated.")
    on_failure: bool = True
    on_late: bool = True
    on_success: bool = False
    manual_runs: bool = Field(default=False, description="Alert on runs started by hand too.")

    @property
    def enabled(self) -> bool:
        return bool(self.urls or self.urls_env)


class ReviewConfig(Section):
    enabled: bool = Field(default=False, description="Stop before publish; publish at the deadline unless held.")
    closes_minutes_before: float = Field(
        default=2, ge=0, le=120, description="The window closes this long before the deadline, to publish on time.")
    hold_below_share: float = Field(
        default=0.4, ge=0, le=1,
        description="An episode whose script is under this share of the target length is held until approved; 0: never.",
    )


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
    site_dir: Path = Path("site")  # the web site's templates, stylesheet, script and words
    work_dir: Path = Path("work")
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    review: ReviewConfig = Field(default_factory=ReviewConfig)

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

    def workdir(self, day: date) -> Path:
        """The day's work folder: work/<date>/."""
        return self.work_root / day.isoformat()

    @property
    def publish_dir(self) -> Path:
        return self.resolve(self.publish.dir)

    @property
    def prompts_root(self) -> Path:
        return self.resolve(self.prompts_dir)

    @property
    def site_root(self) -> Path:
        return self.resolve(self.site_dir)


def load_config(path: Path | str = "config.yaml", environ: dict[str, str] | None = None) -> Config:
    path = Path(path)
    environ = os.environ if environ is None else environ
    raw = read_yaml_mapping(path, missing="no such config file")
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        raise _config_error(path, _lines(exc)) from None
    config._path = path.resolve()

    problems: list[str] = []
    for where, spec, registry in provider_specs(config):
        provider = registry.get(spec.provider)
        if provider is None:
            valid = ", ".join(sorted(registry))
            problems.append(f"{where}.provider: unknown provider {spec.provider!r} (valid: {valid})")
            continue
        try:
            spec._parsed = provider.Options.model_validate(spec.options)
        except ValidationError as exc:
            problems.extend(_lines(exc, prefix=where))
    _raise_if(path, problems)  # the secrets below are read from the parsed options
    for where, name in secret_env_names(config):
        if not _ENV_NAME.fullmatch(name):
            # Never echo it: someone may have pasted the secret itself here.
            problems.append(f"{where}: must be the name of an environment variable, not a secret")
        elif not environ.get(name):
            problems.append(f"{where}: environment variable {name} is not set")
    _raise_if(path, problems)
    return config


def _raise_if(path: Path, problems: list[str]) -> None:
    if problems:
        raise _config_error(path, problems)


def _config_error(path: Path, problems: list[str]) -> ConfigError:
    """One problem on the line of the file's name; several, one per indented line below it."""
    return ConfigError(f"{path}: " + ("\n  ".join([""] + problems) if len(problems) > 1 else problems[0]))


def secret_env_names(config: Config) -> list[tuple[str, str]]:
    """(key in config.yaml, environment variable name) for every secret the config names: the provider
    options ending in `_env` (defaults included) and `alerts.urls_env`. Needs a loaded config."""
    names = [(f"{where}.{key}", value) for where, spec, _ in provider_specs(config)
             for key, value in spec.parsed if key.endswith("_env") and value]
    if config.alerts.urls_env:
        names.append(("alerts.urls_env", config.alerts.urls_env))
    return names


def provider_specs(config: Config):
    for i, host in enumerate(config.hosts):
        yield f"hosts[{i}].voice", host.voice, VOICES
        if host.fallback_voice is not None:
            yield f"hosts[{i}].fallback_voice", host.fallback_voice, VOICES
    for i, spec in enumerate(config.script.writers):
        yield f"script.writers[{i}]", spec, WRITERS
    from pipeline.publish.targets import TARGETS

    yield "publish.target", config.publish.target, TARGETS


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


