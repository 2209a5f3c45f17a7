"""The bundled Piper voice: Oliver's voice, and both hosts' fallback voice."""

import numpy as np
import pytest

from pipeline import audio
from pipeline.audio.analysis import median_pitch_hz, semitones
from pipeline.config import load_config
from pipeline.voice.engines.piper import PiperOptions, PiperVoice
from tests.conftest import REPO

TEXT = (
    "Good morning and welcome to the show. Norvik Energy opened its first large-scale battery factory in "
    "Trondheim on Wednesday, and the company expects eighteen hundred people to work there."
)


def _speak(options: PiperOptions) -> tuple[np.ndarray, int]:
    spoken = PiperVoice(options).synthesize(TEXT)
    return audio.resample(spoken.samples, spoken.sample_rate, 44100), 44100


@pytest.mark.slow
def test_the_shipped_fallback_voices_are_at_least_three_semitones_apart():
    """On the fast path both hosts speak with Piper: still two people."""
    config = load_config(REPO / "config.yaml")
    oliver, shelby = (_speak(host.fallback_voice.parsed) for host in config.hosts)
    distance = abs(semitones(median_pitch_hz(*shelby), median_pitch_hz(*oliver)))
    print(f"median pitch distance between the hosts: {distance:.2f} semitones")
    assert distance >= 3


@pytest.mark.slow
def test_pitch_shift_keeps_the_speaking_rate():
    plain, rate = _speak(PiperOptions())
    raised, _ = _speak(PiperOptions(pitch_semitones=4))
    assert len(raised) == pytest.approx(len(plain), rel=0.12)
    assert semitones(median_pitch_hz(raised, rate), median_pitch_hz(plain, rate)) == pytest.approx(4, abs=1)


@pytest.mark.slow
def test_audio_is_not_peak_normalized_per_sentence():
    samples, _ = _speak(PiperOptions())
    assert 0.05 < np.abs(samples).max() < 0.99


def test_a_missing_voice_file_is_a_clear_error(tmp_path):
    from pipeline.errors import FatalProviderError

    voice = PiperVoice(PiperOptions(model_path=tmp_path / "nope.onnx"))
    with pytest.raises(FatalProviderError, match="nope.onnx"):
        voice.synthesize("Hello there.")
