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


def test_decode_reads_the_rate_and_wav_length_reads_the_header(tmp_path):
    rate = 32000
    tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(3 * rate) / rate)).astype(np.float32)
    audio.write_wav(tmp_path / "t.wav", tone, rate)
    assert audio.wav_length(tmp_path / "t.wav") == len(tone)
    decoded, decoded_rate = audio.decode(tmp_path / "t.wav")
    assert decoded_rate == rate and len(decoded) == len(tone)
    resampled, resampled_rate = audio.decode(tmp_path / "t.wav", 16000)
    assert resampled_rate == 16000 and len(resampled) == pytest.approx(len(tone) / 2, abs=2)


def test_an_unreadable_file_names_itself(tmp_path):
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"not audio")
    with pytest.raises(StageError, match="bad.mp3"):
        audio.decode(bad)
    with pytest.raises(StageError, match="bad.mp3"):
        audio.read_wav(bad)
    with pytest.raises(StageError, match="bad.mp3"):
        audio.wav_length(bad)
