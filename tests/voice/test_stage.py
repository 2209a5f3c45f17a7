"""The voice stage: the line cache (only edited lines are synthesized again) and parallel synthesis."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest

from pipeline import artifacts, audio, runner
from pipeline.config import load_config
from pipeline.errors import ProviderError
from pipeline.models import VoiceManifest
from pipeline.text import reading
from tests.conftest import ToneVoice, show_config, write_config

DAY = date(2026, 11, 30)


class CountingTone(ToneVoice):
    """The tone voice, counting its syntheses (in this process: the tests run one worker)."""

    calls: list[str] = []

    def synthesize(self, text: str):
        CountingTone.calls.append(text)
        return super().synthesize(text)


@pytest.fixture
def counting(tone_voices, monkeypatch):
    from pipeline.voice.engines import VOICES

    CountingTone.calls = []
    monkeypatch.setitem(VOICES, "tone", CountingTone)
    return tone_voices


def _config(tmp_path, hosts, **voicing):
    return load_config(write_config(tmp_path, show_config(tmp_path, hosts=hosts, voicing={"workers": 1, **voicing})))


def _voice(config) -> VoiceManifest:
    runner.run_day(config, DAY, only="stories")
    runner.run_day(config, DAY, only="script")
    runner.run_day(config, DAY, only="voice")
    return VoiceManifest.model_validate_json((config.work_root / DAY.isoformat() / artifacts.VOICE).read_text())


def _edit_line(config, number: int, text: str) -> None:
    path = config.work_root / DAY.isoformat() / "script.json"
    script = json.loads(path.read_text())
    script["lines"][number - 1]["text"] = text
    path.write_text(json.dumps(script))


def test_a_rerun_after_editing_one_line_synthesizes_that_line_only(tmp_path, counting):
    config = _config(tmp_path, counting)
    first = _voice(config)
    distinct = len({(line.speaker, line.text) for line in _script_lines(config)})
    assert len(CountingTone.calls) == distinct
    assert len(first.synthesized) == distinct

    CountingTone.calls.clear()
    _edit_line(config, 3, "A producer rewrote this line by hand.")
    runner.run_day(config, DAY, only="voice")
    assert CountingTone.calls == ["A producer rewrote this line by hand."]
    manifest = VoiceManifest.model_validate_json((config.work_root / DAY.isoformat() / artifacts.VOICE).read_text())
    assert manifest.synthesized == [3]
    assert manifest.lines[2].seconds == pytest.approx(0.25 * 7, abs=0.01)
    assert [line.seconds for i, line in enumerate(manifest.lines) if i != 2] == \
        [line.seconds for i, line in enumerate(first.lines) if i != 2]


def test_changing_a_voice_option_resynthesizes_that_hosts_lines(tmp_path, counting):
    config = _config(tmp_path, counting)
    _voice(config)
    CountingTone.calls.clear()
    hosts = [dict(counting[0]), {"name": "Shelby", "voice": {"provider": "tone", "hz": 250}}]
    changed = _config(tmp_path, hosts)
    manifest = _voice(changed)
    shelby = {reading.spoken(line.text, "en", changed.voicing.lexicon) for line in _script_lines(changed) if line.speaker == "Shelby"}
    assert set(CountingTone.calls) == shelby
    assert {line.speaker for line in manifest.lines if line.index in manifest.synthesized} == {"Shelby"}


def test_without_the_cache_every_line_is_synthesized(tmp_path, counting):
    config = _config(tmp_path, counting, cache=False)
    _voice(config)
    CountingTone.calls.clear()
    runner.run_day(config, DAY, only="voice")
    assert len(CountingTone.calls) == len(_script_lines(config))


def test_two_worker_processes_make_the_same_files(tmp_path, tone_voices):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    serial = _config(tmp_path / "one", tone_voices)
    parallel = load_config(write_config(tmp_path / "two", show_config(tmp_path / "two", hosts=tone_voices,
                                                                       voicing={"workers": 2})))
    for config in (serial, parallel):
        _voice(config)
    one, two = (config.work_root / DAY.isoformat() / artifacts.LINES for config in (serial, parallel))
    names = sorted(path.name for path in one.glob("*.wav"))
    assert names and names == sorted(path.name for path in two.glob("*.wav"))
    for name in names:
        assert np.array_equal(audio.read_wav(one / name)[0], audio.read_wav(two / name)[0]), name


def test_a_failing_line_names_itself(tmp_path, tone_voices, monkeypatch):
    from pipeline.voice.engines import VOICES

    class Broken(ToneVoice):
        def synthesize(self, text):
            if "Shelby" in self.describe() or self.options.hz == 240:
                raise ProviderError("the voice server said no")
            return super().synthesize(text)

    monkeypatch.setitem(VOICES, "tone", Broken)
    config = _config(tmp_path, tone_voices)
    with pytest.raises(ProviderError, match=r"line \d+ \(Shelby\): the voice server said no"):
        _voice(config)


def test_a_voice_that_fails_hands_its_lines_to_the_fallback_voice(tmp_path, tone_voices, monkeypatch):
    from pipeline.voice.engines import VOICES

    class Failing(ToneVoice):
        def synthesize(self, text):
            if self.options.hz == 240:  # Shelby's own voice: its model is broken today
                raise ProviderError("the model is damaged")
            return super().synthesize(text)

    monkeypatch.setitem(VOICES, "tone", Failing)
    hosts = [tone_voices[0], {**tone_voices[1], "fallback_voice": {"provider": "tone", "hz": 300}}]
    manifest = _voice(_config(tmp_path, hosts))
    shelby = [line for line in manifest.lines if line.speaker == "Shelby"]
    assert shelby and {line.voice for line in shelby} == {"tone:300Hz"}
    assert {line.fallback for line in shelby} == {"the model is damaged"}
    assert {(line.voice, line.fallback) for line in manifest.lines if line.speaker == "Oliver"} == {("tone:150Hz", "")}
    assert manifest.voices == {"Oliver": "tone:150Hz", "Shelby": "tone:240Hz"}

    # Mended: the next run gives Shelby her own voice back, since the fallback's audio was cached as its own.
    monkeypatch.setitem(VOICES, "tone", CountingTone)
    CountingTone.calls = []
    runner.run_day(_config(tmp_path, hosts), DAY, only="voice")
    mended = VoiceManifest.model_validate_json((tmp_path / "work" / DAY.isoformat() / artifacts.VOICE).read_text())
    assert {line.voice for line in mended.lines if line.speaker == "Shelby"} == {"tone:240Hz"}
    assert {line.index for line in mended.lines if line.speaker == "Shelby"} == set(mended.synthesized)


def test_the_spoken_form_and_the_lexicon_reach_every_voice(tmp_path, counting):
    config = _config(tmp_path, counting, lexicon={"Oliver": "Ollie-ver"})
    _voice(config)
    said = " ".join(CountingTone.calls)
    assert "Ollie-ver" in said and "Oliver" not in said.replace("Ollie-ver", "")
    assert any("Oliver" in line.text for line in _script_lines(config))  # the script keeps the written form


def _script_lines(config):
    from pipeline.models import Script

    return Script.model_validate_json((config.work_root / DAY.isoformat() / "script.json").read_text()).lines


@pytest.mark.slow
def test_the_line_cache_with_the_real_piper_voice(tmp_path):
    """Two hosts on the bundled voice: an edit of one line costs one synthesis, and the others are reused."""
    config = load_config(write_config(tmp_path, show_config(tmp_path, script={"target_minutes": 1})))
    first = _voice(config)
    assert len(first.synthesized) == len(first.lines)
    _edit_line(config, 2, "Here is a line the producer changed.")
    runner.run_day(config, DAY, only="voice")
    second = VoiceManifest.model_validate_json((config.work_root / DAY.isoformat() / artifacts.VOICE).read_text())
    assert second.synthesized == [2]
    folder = config.work_root / DAY.isoformat() / artifacts.LINES
    samples, rate = audio.read_wav(folder / second.lines[1].file)
    assert 1.0 < len(samples) / rate < 4.0  # seven words of speech, its edges trimmed
    assert np.abs(samples[: int(0.01 * rate)]).max() < 0.5  # no click at the trimmed start
