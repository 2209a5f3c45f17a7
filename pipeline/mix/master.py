"""Mastering: one gain and one look-ahead limiter, planned to land the episode on its loudness target.

The episode is measured once: the K-weighted energy and the sample peak of every ~1 ms block of the
speech (and of the music where it plays). The limiter's gain depends only on those block peaks, so
the plan can try a gain, compute the limiter it would need, and read the loudness the limited
episode would have from the block energies, without rendering a sample. It settles on the gain
whose limited result meets the target (the limiter takes 0.5-1 LU off Piper's peaky speech, which
a measure-gain-limit chain would simply lose). Rendering then applies exactly that gain and that
limiter, range by range, as the encoder asks for them: there is no second dynamic pass, no
compressor, no leveler, and no trial renders.

The limiter holds its gain from `LOOKAHEAD_MS` before a peak to `RELEASE_MS` after it, smoothed, and
never above what any sample of a block needs; between block edges the gain moves linearly, so a
sample is never louder than the ceiling.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from pipeline.audio import loudness

LOOKAHEAD_MS = 5.0
RELEASE_MS = 60.0
PLAN_TOLERANCE_LU = 0.02
MAX_TRIES = 12
MAX_CORRECTION_DB = 6.0
SPLIT_SILENCE_SECONDS = 0.1  # the K-weighting filters' memory is a few ms


@dataclass(frozen=True)
class Music:
    """A piece of music at its final level, starting at sample `start` of the episode."""

    start: int
    samples: np.ndarray

    @property
    def end(self) -> int:
        return self.start + len(self.samples)


@dataclass(frozen=True)
class Program:
    """The episode before mastering: the speech laid out at unit gain, and the music over it."""

    speech: np.ndarray
    music: list[Music]
    rate: int


@dataclass(frozen=True)
class Plan:
    gain: float  # on the speech
    knots: np.ndarray  # the limiter's gain at each block edge (block k runs from knot k to knot k+1)
    block: int  # samples per block
    predicted_lufs: float  # of the rendered episode, by the meter


def block_size(rate: int) -> int:
    """The divisor of a meter step nearest to 1 ms, so that blocks add up to steps exactly."""
    step = loudness.step_size(rate)
    return min((d for d in range(1, step + 1) if step % d == 0), key=lambda d: abs(d - rate / 1000))


def plan(program: Program, target_lufs: float, ceiling_dbfs: float, channels: int = 1) -> Plan:
    """The gain and limiter that put the episode, limited, at `target_lufs` (±0.02 LU by the meter)."""
    rate, block = program.rate, block_size(program.rate)
    per_step = loudness.step_size(rate) // block
    count = -(-len(program.speech) // block)
    count = -(-count // per_step) * per_step  # whole steps
    regions = _music_regions(program.music, block, count)
    speech_energy, speech_peaks_measured, speech_under_music = _measure_speech(
        program.speech, rate, block, [(first, last) for first, last, _ in regions])
    # K-weighted energy per block of gain * speech + music: gain² * ss + 2 * gain * sm + mm.
    ss, sm, mm = np.zeros(count), np.zeros(count), np.zeros(count)
    ss[: len(speech_energy)] = speech_energy
    speech_peaks = np.zeros(count, np.float32)
    speech_peaks[: len(speech_peaks_measured)] = speech_peaks_measured
    spans = []
    for (first, last, region), speech_part in zip(regions, speech_under_music):
        music_weighted = loudness.k_weighted(region, rate)
        sm[first:last] = loudness.block_sums(speech_part * music_weighted, block)
        mm[first:last] = loudness.block_energies(music_weighted, block)
        speech_region = np.zeros_like(region)
        available = program.speech[first * block : last * block]
        speech_region[: len(available)] = available
        spans.append((first, last, speech_region, region))

    ceiling = 10 ** (ceiling_dbfs / 20)
    ahead = max(1, round(LOOKAHEAD_MS * rate / 1000 / block))
    behind = max(ahead, round(RELEASE_MS * rate / 1000 / block))
    step = loudness.step_size(rate)

    def attempt(gain: float) -> tuple[np.ndarray, float]:
        peaks = gain * speech_peaks
        for first, last, speech_region, music_region in spans:
            mixed = loudness.block_peaks(gain * speech_region + music_region, block)
            peaks[first:last] = np.maximum(peaks[first:last], mixed)
        knots = limiter_knots(peaks, ceiling, ahead, behind)
        # The limiter's gain changes slowly against the K-weighting filter's memory, so the limited
        # block's K-weighted energy is its energy times the mean square of its gain (a linear ramp).
        left, right = knots[:-1].astype(np.float64), knots[1:].astype(np.float64)
        energy = (left * left + left * right + right * right) / 3 * (gain**2 * ss + 2 * gain * sm + mm)
        return knots, loudness.gated_loudness(energy.reshape(-1, per_step).sum(axis=1) / step, channels)

    # Start from the gain that puts the speech alone, unlimited, on the target. The music and the
    # limiter move it by a dB or so; beyond MAX_CORRECTION_DB the target is out of reach (music
    # louder than the target, say), the plan stops at the bound and the QA gate reports the loudness.
    speech_alone = loudness.gated_loudness(ss.reshape(-1, per_step).sum(axis=1) / step, channels)
    base_db = 20 * np.log10(loudness.gain_to(target_lufs, speech_alone))
    gain_db = base_db
    knots, predicted = attempt(10 ** (gain_db / 20))
    tries = [(gain_db, predicted)]
    while np.isfinite(predicted) and abs(predicted - target_lufs) > PLAN_TOLERANCE_LU and len(tries) < MAX_TRIES:
        if len(tries) < 2:
            gain_db += target_lufs - predicted
        else:  # secant: the limiter gives back less than each dB of gain, and less the harder it works
            (g0, l0), (g1, l1) = tries[-2:]
            slope = (l1 - l0) / (g1 - g0) if g1 != g0 else 1.0
            gain_db = g1 + (target_lufs - l1) / max(slope, 0.1)
        gain_db = float(np.clip(gain_db, base_db - MAX_CORRECTION_DB, base_db + MAX_CORRECTION_DB))
        if gain_db == tries[-1][0]:
            break  # held at a bound
        knots, predicted = attempt(10 ** (gain_db / 20))
        tries.append((gain_db, predicted))
    gain = float(10 ** (gain_db / 20))
    return Plan(gain=gain, knots=knots, block=block, predicted_lufs=predicted)


def _music_regions(music: list[Music], block: int, count: int) -> list[tuple[int, int, np.ndarray]]:
    """The music summed over runs of blocks where pieces play, overlapping pieces in one run:
    (first block, end block, samples). Peaks and energies of overlapping pieces are of their sum."""
    regions: list[tuple[int, int, list[Music]]] = []
    for piece in sorted(music, key=lambda piece: piece.start):
        first, last = piece.start // block, min(count, -(-piece.end // block))
        if first >= last:
            continue
        if regions and first < regions[-1][1]:
            regions[-1] = (regions[-1][0], max(regions[-1][1], last), regions[-1][2] + [piece])
        else:
            regions.append((first, last, [piece]))
    summed = []
    for first, last, pieces in regions:
        region = np.zeros((last - first) * block, np.float32)
        for piece in pieces:
            offset = piece.start - first * block
            region[offset : offset + len(piece.samples)] += piece.samples[: len(region) - offset]
        summed.append((first, last, region))
    return summed


def _measure_speech(speech: np.ndarray, rate: int, block: int, keep: list[tuple[int, int]]
                    ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """The speech's K-weighted energy and its peak per block, and the K-weighted speech in the
    `keep` spans of blocks (where music plays).

    In two threads, the speech cut at a block edge in a pause near its middle: the filters release
    the GIL, and after a pause of SPLIT_SILENCE_SECONDS their state has died away, so each half
    starts from rest as the whole would have reached that point.
    """
    cut = _silent_block_edge(speech, rate, block)
    ranges = [(0, len(speech))] if cut is None else [(0, cut), (cut, len(speech))]
    kept = [np.zeros((last - first) * block, np.float32) for first, last in keep]

    def measure(bounds: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        energies, peaks = [], []
        for offset, weighted in loudness.k_weighted_chunks(speech[bounds[0] : bounds[1]], rate,
                                                             loudness.chunk_size(block)):
            start, end = bounds[0] + offset, bounds[0] + offset + len(weighted)
            energies.append(loudness.block_energies(weighted, block))
            peaks.append(loudness.block_peaks(speech[start:end], block))
            for into, (first, last) in zip(kept, keep):
                low, high = max(start, first * block), min(end, last * block)
                if low < high:
                    into[low - first * block : high - first * block] = weighted[low - start : high - start]
        return np.concatenate(energies), np.concatenate(peaks)

    with ThreadPoolExecutor(len(ranges)) as pool:
        parts = list(pool.map(measure, ranges))
    return np.concatenate([part[0] for part in parts]), np.concatenate([part[1] for part in parts]), kept


def _silent_block_edge(speech: np.ndarray, rate: int, block: int) -> int | None:
    """A block edge near the middle preceded by SPLIT_SILENCE_SECONDS of digital silence, if any."""
    quiet = int(SPLIT_SILENCE_SECONDS * rate)
    middle = len(speech) // 2
    window = speech[max(0, middle - 10 * rate) : middle + 10 * rate]
    sounding = np.flatnonzero(window)
    if len(sounding) < 2:
        return None
    gaps = np.diff(sounding)
    widest = int(np.argmax(gaps))
    if gaps[widest] <= quiet + 2 * block:
        return None
    return (max(0, middle - 10 * rate) + int(sounding[widest]) + quiet) // block * block + block


def limiter_knots(peaks: np.ndarray, ceiling: float, ahead: int, behind: int) -> np.ndarray:
    """The limiter's gain at the edges of blocks with these peaks: len(peaks) + 1 values, at most 1.

    Each block needs ceiling / peak; that need is held from `ahead` blocks before to `behind` blocks
    after, smoothed over ahead // 2 either way, and a block's two edges are never above its own need.
    """
    needed = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12)).astype(np.float32)
    if needed.min() >= 1.0:
        return np.ones(len(peaks) + 1, np.float32)
    smooth = np.minimum(moving_average(running_min(needed, behind, ahead), ahead // 2), needed)
    return np.minimum(np.append(smooth, 1.0), np.insert(smooth, 0, 1.0))


def render(program: Program, plan: Plan, start: int, end: int) -> np.ndarray:
    """The mastered samples [start, end) of the episode: gain, music, limiter."""
    block = plan.block
    first, last = start // block, -(-end // block)
    out = np.zeros((last - first) * block, np.float32)
    speech = program.speech[first * block : last * block]
    np.multiply(speech, plan.gain, out=out[: len(speech)])
    for piece in program.music:
        lo, hi = max(piece.start, first * block), min(piece.end, last * block)
        if lo < hi:
            out[lo - first * block : hi - first * block] += piece.samples[lo - piece.start : hi - piece.start]
    knots = plan.knots[first : last + 1]
    limited = np.flatnonzero((knots[:-1] < 1) | (knots[1:] < 1))
    if len(limited):
        frames = out.reshape(-1, block)
        ramp = np.arange(block, dtype=np.float32) / block
        left, right = knots[limited], knots[limited + 1]
        frames[limited] *= left[:, None] + (right - left)[:, None] * ramp
    return out[start - first * block : end - first * block]


def running_min(values: np.ndarray, behind: int, ahead: int) -> np.ndarray:
    """min(values[t - behind : t + ahead + 1]) for every t (van Herk / Gil-Werman, numpy only)."""
    width = behind + ahead + 1
    padded = np.concatenate([np.full(behind, values[0]), values, np.full(ahead, values[-1])])
    blocks = -(-len(padded) // width)
    grid = np.full(blocks * width, np.inf, np.float32)
    grid[: len(padded)] = padded
    grid = grid.reshape(blocks, width)
    prefix = np.minimum.accumulate(grid, axis=1).ravel()
    suffix = np.minimum.accumulate(grid[:, ::-1], axis=1)[:, ::-1].ravel()
    starts = np.arange(len(values))
    return np.minimum(suffix[starts], prefix[starts + width - 1])


def moving_average(values: np.ndarray, half: int) -> np.ndarray:
    """Mean of values[t - half : t + half + 1], the ends held."""
    if half <= 0:
        return values.astype(np.float32)
    padded = np.concatenate([np.full(half, values[0]), values, np.full(half, values[-1])]).astype(np.float64)
    total = np.concatenate([[0.0], np.cumsum(padded)])
    return ((total[2 * half + 1 :] - total[: -2 * half - 1]) / (2 * half + 1)).astype(np.float32)
