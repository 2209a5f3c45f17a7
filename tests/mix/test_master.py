"""Mastering: the planned gain and limiter land the rendered episode on target, under the ceiling, smoothly."""

import numpy as np
import pytest

from pipeline.audio import loudness
from pipeline.mix import master
from tests import meter

RATE = 44100


def _ffmpeg_lufs(samples: np.ndarray, channels: int = 1) -> float:
    return meter.of_samples(samples, RATE, channels).integrated_lufs


def _speechlike(seconds: float, seed: int = 1) -> np.ndarray:
    """Noise bursts with a syllable rhythm, pauses and hot consonants: peaky (peak 20 dB over the loudness),
    like Piper's speech."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    envelope = np.clip(np.sin(2 * np.pi * 4 * t), 0, None) ** 2 * (np.sin(2 * np.pi * 0.3 * t) > -0.3)
    noise = np.convolve(rng.standard_normal(len(t)), np.ones(8) / 8, mode="same")
    spikes = np.zeros(len(t))
    spikes[rng.integers(0, len(t), int(seconds * 8))] = rng.uniform(1, 2, int(seconds * 8))
    return (0.05 * envelope * (noise + np.convolve(spikes, np.hanning(30), mode="same"))).astype(np.float32)


def _render(program: master.Program, plan: master.Plan) -> np.ndarray:
    return master.render(program, plan, 0, len(program.speech))


@pytest.mark.parametrize("target, channels", [(-19.0, 1), (-16.0, 2)])
def test_the_limited_episode_lands_on_the_target(target, channels):
    program = master.Program(_speechlike(30), [], RATE)
    plan = master.plan(program, target, -1.6, channels)
    out = _render(program, plan)
    unlimited = loudness.gain_to(target, loudness.integrated_loudness(program.speech, RATE, channels))
    assert plan.knots.min() < 0.7  # the limiter takes 3 dB and more off these peaks...
    assert plan.gain > unlimited * 10 ** (0.3 / 20)  # ...which the gain makes up for...
    assert _ffmpeg_lufs(out, channels) == pytest.approx(target, abs=0.1)  # ...to land on the target
    assert plan.predicted_lufs == pytest.approx(target, abs=0.02)
    assert loudness.sample_peak_dbfs(out) <= -1.6 + 1e-4


def test_one_gain_and_no_more_where_nothing_is_near_the_ceiling():
    speech = _speechlike(10)
    speech[2 * RATE : 3 * RATE] = 0.001 * np.sin(2 * np.pi * 200 * np.arange(RATE) / RATE)
    program = master.Program(speech, [], RATE)
    plan = master.plan(program, -19.0, -1.6)
    out = _render(program, plan)
    quiet = slice(int(2.1 * RATE), int(2.9 * RATE))  # beyond the look-ahead and the release of any peak
    assert np.allclose(out[quiet], plan.gain * speech[quiet], rtol=1e-6, atol=1e-9)
    # The gain moves smoothly: from one sample to the next it changes by less than 5%.
    ratio = np.divide(out, plan.gain * speech, out=np.ones_like(out), where=np.abs(speech) > 1e-3)
    audible = np.abs(speech) > 1e-3
    assert np.abs(np.diff(ratio))[audible[1:] & audible[:-1]].max() < 0.05


def test_rendering_in_ranges_gives_the_same_samples_as_at_once():
    speech = _speechlike(12)
    jingle = (0.05 * np.sin(2 * np.pi * 440 * np.arange(3 * RATE) / RATE)).astype(np.float32)
    program = master.Program(speech, [master.Music(RATE // 3, jingle), master.Music(9 * RATE, jingle)], RATE)
    plan = master.plan(program, -16.0, -1.6)
    whole = _render(program, plan)
    cuts = [0, 12345, 4 * RATE + 7, 10 * RATE - 1, len(speech)]
    pieces = np.concatenate([master.render(program, plan, a, b) for a, b in zip(cuts, cuts[1:])])
    assert np.array_equal(pieces, whole)


def test_the_music_counts_toward_the_loudness_and_the_peaks():
    speech = _speechlike(20)
    speech[: 5 * RATE] = 0  # music alone at first, then under the speech
    music = (0.1 * np.sin(2 * np.pi * 330 * np.arange(8 * RATE) / RATE)).astype(np.float32)  # about -23 LUFS
    program = master.Program(speech, [master.Music(0, music)], RATE)
    plan = master.plan(program, -19.0, -1.6)
    out = _render(program, plan)
    assert loudness.sample_peak_dbfs(out) <= -1.6 + 1e-4  # where both play, the sum is limited
    assert _ffmpeg_lufs(out) == pytest.approx(-19, abs=0.1)
    # Five seconds of quieter music alone pull the integrated loudness down: a plan blind to the
    # music would have missed the target by choosing this gain.
    without_music = master.plan(master.Program(speech, [], RATE), -19.0, -1.6)
    assert plan.gain > 1.1 * without_music.gain


def test_overlapping_music_is_measured_and_limited_as_its_sum():
    """The show's bed starts under the intro sting: the plan must see their sum, not each alone."""
    speech = np.zeros(10 * RATE, np.float32)
    speech[3 * RATE :] = _speechlike(7)
    t = np.arange(6 * RATE) / RATE
    sting = (0.05 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    bed = (0.05 * np.sin(2 * np.pi * 440 * t + 0.2)).astype(np.float32)  # in phase with the sting: peaks add
    program = master.Program(speech, [master.Music(0, sting), master.Music(RATE, bed)], RATE)
    plan = master.plan(program, -19.0, -1.6)
    out = _render(program, plan)
    assert loudness.sample_peak_dbfs(out) <= -1.6 + 1e-4
    assert _ffmpeg_lufs(out) == pytest.approx(-19, abs=0.1)


def test_a_target_out_of_reach_stops_at_a_bound_and_keeps_the_speech():
    speech = _speechlike(20)
    too_loud = (0.5 * np.sin(2 * np.pi * 330 * np.arange(20 * RATE) / RATE)).astype(np.float32)  # -9 LUFS alone
    program = master.Program(speech, [master.Music(0, too_loud)], RATE)
    plan = master.plan(program, -19.0, -1.6)
    alone = master.plan(master.Program(speech, [], RATE), -19.0, -1.6)
    assert plan.gain == pytest.approx(alone.gain * 10 ** (-master.MAX_CORRECTION_DB / 20), rel=0.2)
    assert plan.predicted_lufs > -19 + 1  # reported, for the QA gate to refuse


def test_the_speech_is_measured_in_two_halves_as_in_one_piece():
    speech = np.concatenate([_speechlike(8), np.zeros(RATE // 2, np.float32), _speechlike(8, seed=2)])
    block = master.block_size(RATE)
    cut = master._silent_block_edge(speech, RATE, block)
    assert cut is not None and cut % block == 0 and not speech[cut - int(0.1 * RATE) : cut + 1].any()
    # Kept spans: one at the start, one across the cut, one across a chunk boundary in the second half.
    chunk = loudness.chunk_size(block) // block
    keep = [(0, 100), (cut // block - 50, cut // block + 50), (cut // block + chunk - 7, cut // block + chunk + 9)]
    energy, peaks, kept = master._measure_speech(speech, RATE, block, keep)
    whole = loudness.k_weighted(speech, RATE)
    # float32 filters carried from chunk to chunk round a little differently: 0.004 dB, or far below hearing
    assert np.allclose(energy, loudness.block_energies(whole, block), rtol=1e-3, atol=1e-8)
    assert np.array_equal(peaks, loudness.block_peaks(speech, block))
    for (first, last), weighted in zip(keep, kept):
        assert np.abs(weighted - whole[first * block : last * block]).max() < 1e-5
    unbroken = (0.1 * np.random.default_rng(4).standard_normal(8 * RATE)).astype(np.float32)
    assert master._silent_block_edge(unbroken, RATE, block) is None  # no pause: one piece


def test_silence_plans_a_unit_gain():
    program = master.Program(np.zeros(3 * RATE, np.float32), [], RATE)
    plan = master.plan(program, -19.0, -1.6)
    assert plan.gain == 1.0 and not np.isfinite(plan.predicted_lufs)
    assert not _render(program, plan).any()


@pytest.mark.parametrize("rate", [16000, 22050, 24000, 44100, 48000])
def test_blocks_add_up_to_the_meters_steps(rate):
    block = master.block_size(rate)
    assert loudness.step_size(rate) % block == 0
    assert 0.5 < block / rate * 1000 < 1.5
