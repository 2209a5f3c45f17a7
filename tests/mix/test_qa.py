"""The QA gate's findings, one per problem a producer would hear, all reported together."""

import numpy as np
import pytest

from pipeline.audio import loudness, mp3
from pipeline.mix import qa
from tests import meter

RATE = 44100


def _tone(seconds: float, amplitude: float = 0.15, hz: float = 300) -> np.ndarray:
    return (amplitude * np.sin(2 * np.pi * hz * np.arange(int(seconds * RATE)) / RATE)).astype(np.float32)


def _expect(seconds: float, lines) -> qa.Expectation:
    return qa.Expectation(expected_seconds=seconds, target_lufs=-19, lufs_tolerance=1, true_peak_ceiling_dbtp=-1,
                          max_silence_seconds=3, hosts=["Oliver", "Shelby"], lines=lines)


GOOD = loudness.Reading(integrated_lufs=-19.2, true_peak_dbtp=-2.0, loudness_range_lu=4)
LINES = [("Oliver", 0.0, 4.0), ("Shelby", 4.5, 8.0), ("Oliver", 8.5, 10.0)]


def _episode() -> np.ndarray:
    samples = np.concatenate([_tone(4), np.zeros(RATE // 2, np.float32), _tone(3.5), np.zeros(RATE // 2, np.float32),
                              _tone(1.5)])
    return samples


def test_a_good_episode_passes():
    report = qa.evaluate(_episode(), RATE, GOOD, _expect(12, LINES))
    assert report.passed and report.findings == []
    assert report.longest_silence_seconds == pytest.approx(0.5, abs=0.06)


def test_every_problem_is_reported_at_once():
    samples = _episode()
    samples[int(4.6 * RATE) : int(7.9 * RATE)] = 0  # Shelby's only line is silent: a 3.4 s hole
    samples[100:110] = 1.0  # clipped
    bad = loudness.Reading(integrated_lufs=-23.5, true_peak_dbtp=-0.2, loudness_range_lu=4)
    report = qa.evaluate(samples, RATE, bad, _expect(30, LINES))
    assert not report.passed
    text = "\n".join(report.findings)
    assert "too short: 10.0 s, less than half the expected 30 s" in text
    assert "silence of 3.3 s inside the speech at 4.6 s (limit 3 s)" in text
    assert "clipping: 1 runs" in text
    assert "host Shelby: all 1 lines are missing" in text
    assert "loudness -23.5 LUFS, target -19 ± 1" in text
    assert "true peak -0.2 dBTP, above the ceiling -1 dBTP" in text


def test_a_host_without_lines_is_reported():
    report = qa.evaluate(_episode(), RATE, GOOD, _expect(12, [line for line in LINES if line[0] == "Oliver"]))
    assert "host Shelby has no lines in the episode" in report.findings


def test_silence_before_the_first_and_after_the_last_word_is_not_a_hole():
    samples = np.concatenate([np.zeros(5 * RATE, np.float32), _episode(), np.zeros(5 * RATE, np.float32)])
    lines = [(speaker, start + 5, end + 5) for speaker, start, end in LINES]
    assert qa.evaluate(samples, RATE, GOOD, _expect(20, lines)).passed


def test_measure_reads_the_samples_as_their_mp3_plays(tmp_path):
    """The mix's QA reading (the encoder's input plus its measured offset) is what a decoder of the MP3 reads."""
    settings = mp3.Settings(RATE, "128k", 1, 7)
    gain = mp3.calibrate(settings).gain_db
    samples = _episode() * loudness.gain_to(-19 - gain, loudness.integrated_loudness(_episode(), RATE))
    (tmp_path / "e.mp3").write_bytes(mp3.encode_bytes(samples, settings))
    measured = qa.measure(samples, RATE, 1, gain)
    reading, decoded, _ = meter.of_file(tmp_path / "e.mp3")
    priming = mp3.calibrate(settings).priming
    report = qa.evaluate(decoded[priming:], RATE, reading, _expect(12, LINES))
    assert report.passed, report.findings
    assert measured.integrated_lufs == pytest.approx(-19, abs=0.05)
    assert report.integrated_lufs == pytest.approx(measured.integrated_lufs, abs=0.1)
    assert report.true_peak_dbtp == pytest.approx(measured.true_peak_dbtp, abs=0.5)
