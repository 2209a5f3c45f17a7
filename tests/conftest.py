"""Shared fixtures: a show config in a temporary folder, reading the bundled samples and prompts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import Field

from pipeline.config import Config, load_config
from pipeline.providers import ProviderOptions
from pipeline.voice.engines import VOICES

REPO = Path(__file__).resolve().parent.parent


def show_config(tmp_path: Path, shipped_voices: bool = False, **sections) -> dict:
    """The shipped config.yaml as a dict, with every path made absolute or moved under tmp_path.

    Keyword arguments replace top-level sections (or merge into them when both are dicts). Unless
    `shipped_voices`, each host speaks with its fallback voice (Piper, the fast path) and the speech check
    is off: the tests of the plumbing stay quick, and the shipped voices and the check have tests of their
    own (tests/test_shipped_show.py, tests/voice/engines/test_kokoro.py, tests/mix/test_speech_check.py).
    """
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    if not shipped_voices:
        for host in data["hosts"]:
            host["voice"] = host.get("fallback_voice", host["voice"])
        data["mix"] = {**data.get("mix", {}), "speech_check": {"enabled": False}}
    for source in data["sources"]:
        if not source["url"].startswith(("http://", "https://")):
            source["url"] = str(REPO / source["url"])
    data["prompts_dir"] = str(REPO / "prompts")
    data["site_dir"] = str(REPO / "site")
    data["work_dir"] = str(tmp_path / "work")
    data["publish"]["dir"] = str(tmp_path / "feeds")
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


def write_config(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path, show_config(tmp_path))


@pytest.fixture
def config(config_path: Path) -> Config:
    return load_config(config_path)


class ToneOptions(ProviderOptions):
    hz: float = Field(default=220.0, gt=0)


class ToneVoice:
    """A fast stand-in voice for tests of the plumbing: a tone per word, pitched per host option."""

    name = "tone"
    Options = ToneOptions

    def __init__(self, options) -> None:
        self.options = options

    def describe(self) -> str:
        return f"tone:{self.options.hz:g}Hz"

    def synthesize(self, text: str):
        import numpy as np

        from pipeline.audio import Audio

        rate = 22050
        seconds = 0.25 * len(text.split())  # 240 words a minute: brisk, but passes the QA gate
        t = np.arange(int(rate * seconds)) / rate
        return Audio(samples=(0.3 * np.sin(2 * np.pi * self.options.hz * t)).astype(np.float32), sample_rate=rate)


def register_tones(monkeypatch, hz_by_host: dict[str, float]) -> list[dict]:
    """Registers the `tone` voice through the real registry; returns the config's `hosts` section."""
    monkeypatch.setitem(VOICES, "tone", ToneVoice)
    return [{"name": name, "voice": {"provider": "tone", "hz": hz}} for name, hz in hz_by_host.items()]


@pytest.fixture
def tone_voices(monkeypatch):
    return register_tones(monkeypatch, {"Oliver": 150, "Shelby": 240})


@pytest.fixture
def quick_config(tmp_path: Path, tone_voices) -> Config:
    """The sample show with tone voices: every stage runs for real, in a second."""
    return load_config(write_config(tmp_path, show_config(tmp_path, hosts=tone_voices)))


@pytest.fixture
def news():
    """A newsroom's web server on 127.0.0.1 (tests/fixtures/news_server.py): routes, requests seen."""
    from tests.fixtures import news_server

    state, httpd = news_server.start()
    yield state
    news_server.stop(httpd)


def published_audio(config: Config, day) -> Path:
    """The published MP3 of a day: its name carries a content hash, so it is read from the index."""
    from pipeline.publish.targets import load_index

    episode = next(e for e in load_index(config).episodes if e.date.isoformat() == str(day))
    return config.publish_dir / episode.audio_file


@pytest.fixture
def figures(record_property):
    """`figures(heading, line)`: a figure the test measured, printed under `heading` at the end of the run
    (tests/stories/test_selection.py, tests/test_shipped_show.py). It travels with the test's report, so
    it reaches the summary from pytest-xdist's workers too."""
    return lambda heading, line: record_property(f"figure: {heading}", line)


def pytest_terminal_summary(terminalreporter):
    found: dict[str, list[str]] = {}
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            for name, value in getattr(report, "user_properties", ()):
                if report.when == "call" and name.startswith("figure: "):
                    found.setdefault(name.removeprefix("figure: "), []).append(value)
    for heading, lines in found.items():
        terminalreporter.write_sep("-", heading)
        for line in lines:
            terminalreporter.write_line(line)
