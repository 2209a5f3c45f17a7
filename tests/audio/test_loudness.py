"""The BS.1770 meter (integrated loudness, loudness range, true peak) against ffmpeg's ebur128."""

import numpy as np
import pytest

from pipeline.audio import loudness, mp3
from tests import meter

RATE = 44100


def _ffmpeg_loudness(samples: np.ndarray) -> loudness.Reading:
    return meter.of_samples(samples, RATE)


def _speechlike(seconds: float, seed: int = 1) -> np.ndarray:
    """Noise bursts with a syllable rhythm and pauses: peaky, gated, like speech to a meter."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    envelope = np.clip(np.sin(2 * np.pi * 4 * t), 0, None) ** 2 * (np.sin(2 * np.pi * 0.3 * t) > -0.3)
    noise = np.convolve(rng.standard_normal(len(t)), np.ones(8) / 8, mode="same")
    return (0.2 * envelope * noise).astype(np.float32)


def test_a_full_scale_997_hz_sine_reads_minus_3_lufs():
    # BS.1770-4's own calibration: a 0 dBFS 997 Hz sine in one channel reads -3.01 LKFS.
    t = np.arange(5 * RATE) / RATE
    assert loudness.integrated_loudness(np.sin(2 * np.pi * 997 * t), RATE) == pytest.approx(-3.01, abs=0.05)


@pytest.mark.parametrize("rate", [44100, 48000, 22050])
def test_the_meter_agrees_with_ffmpeg_ebur128(rate):
    global RATE
    saved, RATE = RATE, rate
    try:
        samples = _speechlike(12)
        ours = loudness.integrated_loudness(samples, rate)
        assert ours == pytest.approx(_ffmpeg_loudness(samples).integrated_lufs, abs=0.1)
    finally:
        RATE = saved


def test_stereo_dual_mono_reads_3_lu_louder():
    samples = _speechlike(8)
    assert loudness.integrated_loudness(samples, RATE, channels=2) - loudness.integrated_loudness(samples, RATE) == \
        pytest.approx(3.01, abs=0.01)


def test_silence_has_no_loudness():
    assert loudness.integrated_loudness(np.zeros(RATE * 3, np.float32), RATE) == float("-inf")
    assert loudness.gain_to(-16, float("-inf")) == 1.0


def test_digital_silence_does_not_change_the_reading():
    # The denormal guard: long runs of exact zeros between bursts read as ffmpeg reads them.
    samples = _speechlike(12)
    samples[2 * RATE : 5 * RATE] = 0
    samples[7 * RATE : 9 * RATE] = 0
    assert loudness.integrated_loudness(samples, RATE) == pytest.approx(_ffmpeg_loudness(samples).integrated_lufs,
                                                                        abs=0.1)


def test_loudness_range_agrees_with_ffmpeg():
    quiet_then_loud = np.concatenate([_speechlike(20) * 0.2, _speechlike(20, seed=2)])
    steps = loudness.step_mean_squares(quiet_then_loud, RATE)
    assert loudness.loudness_range(steps) == pytest.approx(_ffmpeg_loudness(quiet_then_loud).loudness_range_lu,
                                                           abs=1.0)
    assert loudness.loudness_range(steps) > 10  # 14 dB between the halves


def test_an_mp3_plays_at_its_samples_loudness_plus_the_encoders_calibrated_offset(tmp_path):
    samples = _speechlike(10) * 0.1
    (tmp_path / "a.mp3").write_bytes(mp3.encode_bytes(samples, mp3.Settings(RATE, "128k", 1, 7)))
    measured, decoded, rate = meter.of_file(tmp_path / "a.mp3")
    assert rate == RATE
    assert len(decoded) == pytest.approx(len(samples), abs=RATE * 0.05)
    gain = mp3.calibrate(mp3.Settings(RATE, "128k", 1, 7)).gain_db
    assert measured.integrated_lufs == pytest.approx(loudness.integrated_loudness(samples, RATE) + gain, abs=0.1)
    assert measured.true_peak_dbtp == pytest.approx(loudness.true_peak_dbtp(samples) + gain, abs=0.5)


@pytest.mark.parametrize("hz", [997.0, 9000.0, 17000.0])
def test_true_peak_agrees_with_ffmpeg_including_inter_sample_peaks(hz):
    t = np.arange(RATE) / RATE
    samples = (0.5 * np.sin(2 * np.pi * hz * t + 0.3)).astype(np.float32)
    samples[: RATE // 2] *= 0.3  # a quiet half that must not matter
    reference = meter.of_samples(samples, RATE, true_peak=True).true_peak_dbtp
    assert loudness.true_peak_dbtp(samples) == pytest.approx(reference, abs=0.25)
    assert loudness.true_peak_dbtp(samples) >= loudness.sample_peak_dbfs(samples) - 1e-6
