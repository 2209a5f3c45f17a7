import numpy as np
import pytest

from pipeline import audio
from pipeline.errors import StageError


def test_wav_round_trip(tmp_path):
    samples = (0.5 * np.sin(np.linspace(0, 100, 4410))).astype(np.float32)
    audio.write_wav(tmp_path / "a.wav", samples, 44100)
    back, rate = audio.read_wav(tmp_path / "a.wav")
    assert rate == 44100
    assert np.allclose(back, samples, atol=1 / 32768 * 2)


def test_resample_from_a_fractional_rate_keeps_duration():
    samples = np.zeros(27_782, np.float32)  # one second at 22050 Hz shifted up four semitones
    out = audio.resample(samples, 22050 * 2 ** (4 / 12), 44100)
    assert len(out) == pytest.approx(44100, rel=0.002)


def test_mp3_encode_and_decode(tmp_path):
    rate = 44100
    tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(3 * rate) / rate)).astype(np.float32)
    audio.encode_mp3(tmp_path / "t.mp3", tone, rate, "128k", {"title": "Tone"})
    decoded, decoded_rate = audio.decode(tmp_path / "t.mp3")
    assert decoded_rate == rate
    assert len(decoded) / rate == pytest.approx(3, abs=0.1)
    assert (tmp_path / "t.mp3").stat().st_size == pytest.approx(3 * 128_000 / 8, rel=0.1)  # CBR 128 kbps


def test_an_unreadable_file_names_itself(tmp_path):
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"not audio")
    with pytest.raises(StageError, match="bad.mp3"):
        audio.decode(bad)
    with pytest.raises(StageError, match="bad.mp3"):
        audio.read_wav(bad)
