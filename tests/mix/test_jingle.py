"""The show's own music: deterministic, band-limited, at its stated level; the bed ducks under speech."""

import numpy as np
import pytest

from pipeline.audio import loudness
from pipeline.mix import jingle

RATE = 44100


def test_the_music_is_deterministic_and_at_its_level():
    for make in (jingle.intro, jingle.outro):
        first = make(RATE).copy()
        make.cache_clear()
        assert np.array_equal(first, make(RATE))
        assert loudness.integrated_loudness(first, RATE) == pytest.approx(jingle.LEVEL_LUFS, abs=0.1)
        assert np.abs(first).max() < 0.9
        assert 3 < len(first) / RATE < 6


def test_no_partial_above_the_band_limit():
    for rate in (22050, 44100):
        samples = jingle.intro(rate)
        spectrum = np.abs(np.fft.rfft(samples)) ** 2
        freqs = np.fft.rfftfreq(len(samples), 1 / rate)
        assert spectrum[freqs > 0.45 * rate].sum() / spectrum.sum() < 1e-6


def test_the_music_is_rendered_once_and_then_read_from_the_cache(tmp_path):
    rendered = jingle.show_music(RATE, tmp_path)
    [stored] = tmp_path.glob("music-*.npz")
    stored_at = stored.stat().st_mtime_ns
    again = jingle.show_music(RATE, tmp_path)
    assert stored.stat().st_mtime_ns == stored_at
    for name in ("intro", "outro", "bed_loop"):
        assert np.array_equal(getattr(rendered, name), getattr(again, name))
    stored.write_bytes(stored.read_bytes()[:1000])  # cut short: not a zip any more
    assert np.array_equal(jingle.show_music(RATE, tmp_path).intro, rendered.intro)
    assert len(list(tmp_path.glob("music-*.npz"))) == 1
    with np.load(stored) as rewritten:  # the damaged file was replaced by a whole one
        assert np.array_equal(rewritten["intro"], rendered.intro)
    assert jingle.show_music(22050, tmp_path).intro.shape != rendered.intro.shape  # one file per rate


def test_the_bed_loops_without_a_click():
    music = jingle.show_music(RATE)
    bed = music.bed(40 * RATE)
    assert len(bed) == 40 * RATE and len(music.bed(100_017)) == 100_017  # any length, to the sample
    loop = len(music.bed_loop)
    seam = np.abs(np.diff(bed[loop - 50 : loop + 50])).max()
    assert seam < 5 * np.abs(np.diff(bed[loop // 2 - 50 : loop // 2 + 50])).max() + 1e-3


def test_ducking_dips_before_a_line_and_recovers_after():
    gain = jingle.ducking_gain(10 * RATE, RATE, [(3.0, 6.0)], duck_db=-12)
    ducked = 10 ** (-12 / 20)
    assert gain[int(1.0 * RATE)] == pytest.approx(1.0)
    assert gain[int(3.0 * RATE)] == pytest.approx(ducked, abs=0.01)  # already down when the line starts
    assert gain[int(5.0 * RATE)] == pytest.approx(ducked, abs=0.01)
    assert gain[int(8.0 * RATE)] == pytest.approx(1.0)
    assert np.abs(np.diff(gain)).max() < 0.001  # a ramp, not a step
