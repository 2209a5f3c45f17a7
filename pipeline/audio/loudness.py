"""The loudness meter: ITU-R BS.1770-4 integrated loudness, EBU loudness range, and true peak.

K-weighting, 100 ms steps, 400 ms gated blocks, all in numpy (the K-weighting filter through
scipy). The mastering (pipeline.mix.master) plans its gain and limiter from these same step
energies; the QA gate reads the final samples with them. The tests check the meter, and the
published MP3s, against ffmpeg's own ebur128 (tests/meter.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Iterator

import numpy as np

ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
STEP_SECONDS = 0.1  # a 400 ms gating block is four steps: 75% overlap
SHORT_TERM_SECONDS = 3.0


def _biquads(rate: int) -> list[tuple[list[float], list[float]]]:
    """The two BS.1770 pre-filters (high shelf, then high pass) as (b, a) for `rate`.

    Coefficients from the filters' analog prototypes, as libebur128 and pyloudnorm derive them, so
    any sample rate works (the standard only tabulates 48 kHz).
    """
    # Stage 1: high shelf, +4 dB above ~1.5 kHz (the head's acoustic effect).
    gain_db, q, centre = 3.999843853973347, 0.7071752369554196, 1681.974450955533
    k = math.tan(math.pi * centre / rate)
    vh = 10 ** (gain_db / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = ([(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0],
             [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0])
    # Stage 2: the RLB high pass at ~38 Hz.
    q, centre = 0.5003270373238773, 38.13547087602444
    k = math.tan(math.pi * centre / rate)
    a0 = 1 + k / q + k * k
    highpass = ([1.0, -2.0, 1.0], [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0])
    return [shelf, highpass]


@cache
def _k_weighting(rate: int) -> np.ndarray:
    return np.array([b + a for b, a in _biquads(rate)], dtype=np.float32)


DENORMAL_GUARD = 1e-15  # far below hearing (-300 dB), far above float32's denormals
_CHUNK_SAMPLES = 1 << 18


def k_weighted(samples: np.ndarray, rate: int) -> np.ndarray:
    """The signal through the K-weighting filter (float32: 3x faster than float64, exact to 0.01 LU).

    A tiny alternating offset keeps the filters' state out of denormal numbers in digital silence,
    where an IIR filter otherwise runs several times slower.
    """
    from scipy.signal import sosfilt

    return sosfilt(_k_weighting(rate), _guarded(samples))


def k_weighted_chunks(samples: np.ndarray, rate: int, size: int) -> Iterator[tuple[int, np.ndarray]]:
    """(start, samples[start : start + size] K-weighted) in order, the filters' state carried over:
    a long signal filtered without episode-long temporaries (their page faults cost more than the
    filtering)."""
    from scipy.signal import sosfilt

    sos = _k_weighting(rate)
    state = np.zeros((len(sos), 2), np.float32)
    for start in range(0, len(samples), size):
        weighted, state = sosfilt(sos, _guarded(samples[start : start + size]), zi=state)
        yield start, weighted


def _guarded(samples: np.ndarray) -> np.ndarray:
    guarded = np.array(samples, dtype=np.float32)
    guarded[::2] += DENORMAL_GUARD
    guarded[1::2] -= DENORMAL_GUARD
    return guarded


def step_size(rate: int) -> int:
    return int(round(STEP_SECONDS * rate))


def blocks(values: np.ndarray, size: int) -> np.ndarray:
    """`values` as rows of `size` (float32), the last row zero-padded."""
    count = -(-len(values) // size)
    if len(values) == count * size:
        return np.asarray(values, np.float32).reshape(count, size)
    padded = np.zeros(count * size, np.float32)
    padded[: len(values)] = values
    return padded.reshape(count, size)


def block_sums(values: np.ndarray, size: int) -> np.ndarray:
    return blocks(values, size).sum(axis=1, dtype=np.float64)


def block_energies(values: np.ndarray, size: int) -> np.ndarray:
    """The sum of squares of each block of `size` values."""
    rows = blocks(values, size)
    return np.einsum("ij,ij->i", rows, rows).astype(np.float64)


def block_peaks(values: np.ndarray, size: int) -> np.ndarray:
    return np.abs(blocks(values, size)).max(axis=1)


def step_mean_squares(samples: np.ndarray, rate: int) -> np.ndarray:
    """The K-weighted mean square of each 100 ms step: what the integrated loudness and range are made of."""
    step = step_size(rate)
    energies = [block_energies(weighted, step) for _, weighted in k_weighted_chunks(samples, rate, chunk_size(step))]
    return np.concatenate(energies) / step if energies else np.zeros(0)


def chunk_size(multiple_of: int) -> int:
    """A few seconds of samples, a whole number of `multiple_of`."""
    return multiple_of * max(1, _CHUNK_SAMPLES // multiple_of)


def integrated_loudness(samples: np.ndarray, rate: int, channels: int = 1) -> float:
    """Gated integrated loudness in LUFS of mono `samples` played as `channels` identical channels.

    A mono file is one channel to the meter (ffmpeg's ebur128 without `dualmono` agrees); a dual-mono
    stereo file sums two equal channels, 3 dB louder. Returns -inf for silence.
    """
    return gated_loudness(step_mean_squares(samples, rate), channels)


def _block_energies(step_mean_squares: np.ndarray, channels: int) -> np.ndarray:
    """Mean square of each 400 ms block (four 100 ms steps: 75% overlap), summed over the channels."""
    if len(step_mean_squares) < 4:
        return np.zeros(0)
    return np.convolve(step_mean_squares, np.ones(4) / 4, mode="valid") * channels


def gated_loudness(step_mean_squares: np.ndarray, channels: int = 1) -> float:
    """BS.1770 integrated loudness from the K-weighted mean square of each 100 ms step."""
    blocks = _block_energies(step_mean_squares, channels)
    with np.errstate(divide="ignore"):
        block_lufs = -0.691 + 10 * np.log10(blocks)
    above_absolute = blocks[block_lufs > ABSOLUTE_GATE_LUFS]
    if not len(above_absolute):
        return float("-inf")
    relative_gate = -0.691 + 10 * np.log10(above_absolute.mean()) + RELATIVE_GATE_LU
    gated = blocks[(block_lufs > ABSOLUTE_GATE_LUFS) & (block_lufs > relative_gate)]
    return float(-0.691 + 10 * np.log10(gated.mean()))


def loudness_range(step_mean_squares: np.ndarray, channels: int = 1) -> float:
    """EBU Tech 3342 loudness range in LU: the spread (10th to 95th percentile) of the 3 s short-term
    loudness, gated at -70 LUFS and 20 LU under the mean."""
    window = int(round(SHORT_TERM_SECONDS / STEP_SECONDS))
    if len(step_mean_squares) < window:
        return 0.0
    short_term = np.convolve(step_mean_squares, np.ones(window) / window, mode="valid") * channels
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10 * np.log10(short_term)
    kept = short_term[levels > ABSOLUTE_GATE_LUFS]
    if not len(kept):
        return 0.0
    gate = -0.691 + 10 * np.log10(kept.mean()) - 20.0
    levels = levels[(levels > ABSOLUTE_GATE_LUFS) & (levels > gate)]
    return float(np.percentile(levels, 95) - np.percentile(levels, 10))


def gain_to(target_lufs: float, measured_lufs: float) -> float:
    """The one linear gain that moves `measured_lufs` to `target_lufs` (1 for silence)."""
    if not np.isfinite(measured_lufs):
        return 1.0
    return float(10 ** ((target_lufs - measured_lufs) / 20))


def sample_peak_dbfs(samples: np.ndarray) -> float:
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


_OVERSAMPLE = 4
_INTERPOLATOR_TAPS = 48


@cache
def _interpolator() -> np.ndarray:
    """A 48-tap, 4x interpolating low-pass (windowed sinc), the kind BS.1770-4 Annex 2 describes."""
    n = np.arange(_INTERPOLATOR_TAPS) - (_INTERPOLATOR_TAPS - 1) / 2
    return (np.sinc(n / _OVERSAMPLE) * np.kaiser(_INTERPOLATOR_TAPS, 7.0)).astype(np.float64)


def true_peak_dbtp(samples: np.ndarray) -> float:
    """BS.1770 true peak: the peak of the signal oversampled 4x, in dBTP.

    Only where it can matter: an interpolated value is at most the filter's largest phase gain times
    the samples around it, so only neighbourhoods of samples within that factor of the sample peak
    are oversampled. The rest of the signal cannot hold the true peak.
    """
    magnitude = np.abs(np.asarray(samples, np.float32))
    if not len(magnitude) or magnitude.max() == 0:
        return float("-inf")
    taps = _interpolator()
    phase_gain = max(np.abs(taps[phase::_OVERSAMPLE]).sum() for phase in range(_OVERSAMPLE))
    reach = _INTERPOLATOR_TAPS // _OVERSAMPLE + 1
    # The candidates' neighbourhoods (`reach` either way: what the interpolator reads), merged where
    # they touch, one after another with enough zeros between them that they do not interact.
    candidates = np.flatnonzero(magnitude >= magnitude.max() / phase_gain)
    breaks = np.flatnonzero(np.diff(candidates) > 2 * reach)
    starts = np.maximum(candidates[np.concatenate([[0], breaks + 1])] - reach, 0)
    ends = np.minimum(candidates[np.concatenate([breaks, [len(candidates) - 1]])] + reach + 1, len(magnitude))
    gap = np.zeros(2 * reach, np.float32)
    pieces = [piece for start, end in zip(starts, ends) for piece in (np.asarray(samples[start:end], np.float32), gap)]
    joined = np.concatenate(pieces).astype(np.float64)
    # The oversampled signal one phase at a time (polyphase): a quarter of the work of filtering the
    # zero-stuffed signal, the same values.
    peak = max([float(magnitude.max())] + [float(np.abs(np.convolve(joined, taps[phase::_OVERSAMPLE])).max())
                                           for phase in range(_OVERSAMPLE)])
    return 20 * math.log10(peak)


@dataclass(frozen=True)
class Reading:
    """A loudness reading of a whole episode: integrated LUFS, true peak dBTP, loudness range LU."""

    integrated_lufs: float
    true_peak_dbtp: float
    loudness_range_lu: float
