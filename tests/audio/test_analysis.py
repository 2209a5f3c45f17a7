import numpy as np
import pytest

from pipeline.audio.analysis import median_pitch_hz, semitones


@pytest.mark.parametrize("frequency", [70.0, 110.0, 165.0, 220.0, 330.0])
def test_median_pitch_of_a_sawtooth(frequency):
    rate = 44100
    t = np.arange(rate) / rate
    wave = 0.3 * (2 * ((t * frequency) % 1) - 1)
    assert median_pitch_hz(wave.astype(np.float32), rate) == pytest.approx(frequency, rel=0.01)


def test_silence_has_no_pitch():
    with pytest.raises(ValueError):
        median_pitch_hz(np.zeros(44100, np.float32), 44100)


def test_semitones():
    assert semitones(220, 110) == pytest.approx(12)
