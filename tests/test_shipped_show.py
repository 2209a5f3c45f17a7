"""The show as `make run` makes it: the shipped config.yaml, its voices and the speech check, unchanged.

The figures the voices are chosen by (README, "Voices") are measured here on the episode itself and
printed at the end of the run: each host's median pitch, and each host's word error rate as whisper base
hears the mixed episode.
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest

from pipeline import artifacts, audio, runner
from pipeline.audio.analysis import median_pitch_hz
from pipeline.config import load_config
from pipeline.models import VoiceManifest
from tests.conftest import show_config, write_config

DAY = date(2026, 12, 4)


@pytest.mark.slow
def test_the_shipped_show_has_two_voices_both_heard(tmp_path, figures):
    config = load_config(write_config(tmp_path, show_config(tmp_path, shipped_voices=True)))
    record = runner.run_day(config, DAY)
    assert record.outcome == "published"
    work = config.work_root / DAY.isoformat()
    manifest = VoiceManifest.model_validate_json((work / artifacts.VOICE).read_text())
    assert manifest.voices["Oliver"].startswith("piper:") and manifest.voices["Shelby"].startswith("kokoro:")
    assert not [line.index for line in manifest.lines if line.fallback]  # nobody needed the fallback voice

    pitch = {}
    for host in ("Oliver", "Shelby"):
        lines = [audio.read_wav(work / artifacts.LINES / line.file) for line in manifest.lines if line.speaker == host]
        samples = np.concatenate([samples for samples, _ in lines])
        pitch[host] = median_pitch_hz(samples, lines[0][1])
    qa = json.loads((work / artifacts.QA_REPORT).read_text())
    wer = qa["speech_check"]["host_wer"]
    figures("the shipped voices", "median pitch " + ", ".join(f"{h} {hz:.0f} Hz" for h, hz in pitch.items()))
    figures("the shipped voices", "word error rate (whisper base, the mixed episode) "
            + ", ".join(f"{h} {w:.1%}" for h, w in wer.items()))
    figures("the shipped voices", f"speech check {qa['speech_check']['seconds']:.1f} s for {qa['seconds']:.0f} s "
            f"of episode; voice stage {manifest.synthesis_seconds:.1f} s for {sum(v.seconds for v in manifest.lines):.0f} s "
            "of speech")
    assert pitch["Shelby"] >= 165 and pitch["Oliver"] <= 150
    assert qa["passed"] and set(wer) == {"Oliver", "Shelby"}
    assert all(w <= 0.15 for w in wer.values()), wer
