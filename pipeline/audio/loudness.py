"""Loudness to the podcast standard: an ITU-R BS.1770-4 meter, one gain, and a true-peak limiter.

The mix measures the joined episode in Python (K-weighting, 400 ms gated blocks), applies one gain
to reach the target, and limits what would overshoot the true-peak ceiling. There is no second
dynamic pass (no compressor, no leveler). The final MP3 is measured again independently by ffmpeg's `ebur128` filter
(`measure_file`), which the QA gate uses: that reading is the one that counts.
"""

from __future__ import annotations

import math
import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from pipeline.errors import StageError

ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
BLOCK_SECONDS = 0.4
STEP_SECONDS = 0.1  # 75% overlap between blocks
SILENCE_LUFS = -70.0


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


def k_weighted(samples: np.ndarray, rate: int) -> np.ndarray:
    """The signal through the K-weighting filter. float32 is 3x faster than float64 and exact enough:
    the meter reads to 0.1 LU."""
    from scipy.signal import sosfilt

    return sosfilt(_k_weighting(rate), np.asarray(samples, np.float32))


def integrated_loudness(samples: np.ndarray, rate: int, channels: int = 1) -> float:
    """Gated integrated loudness in LUFS of mono `samples` played as `channels` identical channels.

    A mono file is one channel to the meter (ffmpeg's ebur128 without `dualmono` agrees); a dual-mono
    stereo file sums two equal channels, 3 dB louder. Returns -inf for silence.
    """
    weighted = k_weighted(samples, rate)
    step = int(STEP_SECONDS * rate)
    steps = len(weighted) // step
    if steps < 4:
        return float("-inf")
    # Mean square per 100 ms step, then per 400 ms block as the mean of four consecutive steps.
    frames = weighted[: steps * step].reshape(steps, step)
    per_step = np.einsum("ij,ij->i", frames, frames).astype(np.float64) / step
    blocks = np.convolve(per_step, np.ones(4) / 4, mode="valid") * channels
    with np.errstate(divide="ignore"):
        block_lufs = -0.691 + 10 * np.log10(blocks)
    above_absolute = blocks[block_lufs > ABSOLUTE_GATE_LUFS]
    if not len(above_absolute):
        return float("-inf")
    relative_gate = -0.691 + 10 * np.log10(above_absolute.mean()) + RELATIVE_GATE_LU
    gated = blocks[(block_lufs > ABSOLUTE_GATE_LUFS) & (block_lufs > relative_gate)]
    return float(-0.691 + 10 * np.log10(gated.mean()))


def gain_to(target_lufs: float, measured_lufs: float) -> float:
    """The one linear gain that moves `measured_lufs` to `target_lufs` (1 for silence)."""
    if not np.isfinite(measured_lufs):
        return 1.0
    return float(10 ** ((target_lufs - measured_lufs) / 20))


def limit(samples: np.ndarray, rate: int, ceiling_dbfs: float, lookahead_ms: float = 5.0,
          release_ms: float = 60.0) -> np.ndarray:
    """A look-ahead peak limiter: no sample leaves above `ceiling_dbfs`, with smooth gain changes.

    The gain each sample needs is held (running minimum) from `lookahead_ms` before a peak to
    `release_ms` after it, then smoothed by a moving average no longer than the look-ahead, so the
    gain is already down when the peak arrives and never above what any sample needs.
    """
    ceiling = 10 ** (ceiling_dbfs / 20)
    over = np.flatnonzero(np.abs(samples) > ceiling)
    if not len(over):
        return samples
    ahead = max(1, int(lookahead_ms * rate / 1000))
    behind = max(ahead, int(release_ms * rate / 1000))
    reach = ahead + behind + 1  # how far one peak's gain change spreads, either way
    out = np.array(samples, dtype=np.float32)
    # Speech peaks are rare: limit only the regions around them, merged where they come close.
    breaks = np.flatnonzero(np.diff(over) > 2 * reach)
    for first, last in zip(np.concatenate([[0], breaks + 1]), np.concatenate([breaks, [len(over) - 1]])):
        start, end = max(0, over[first] - 2 * reach), min(len(out), over[last] + 2 * reach + 1)
        out[start:end] = _limit_region(out[start:end], ceiling, ahead, behind)
    return out


def _limit_region(samples: np.ndarray, ceiling: float, ahead: int, behind: int) -> np.ndarray:
    needed = np.minimum(1.0, ceiling / np.maximum(np.abs(samples), 1e-12)).astype(np.float32)
    held = _running_min(needed, behind, ahead)
    smooth = moving_average(held, ahead // 2)
    return samples * np.minimum(smooth, needed)


def _running_min(values: np.ndarray, behind: int, ahead: int) -> np.ndarray:
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


def limited_to_target(program: np.ndarray, rate: int, target_lufs: float, ceiling_dbfs: float,
                      channels: int = 1, measured_lufs: float | None = None, tolerance_lu: float = 0.25,
                      trials: int = 4) -> np.ndarray:
    """`program` times one gain, through the limiter, at `target_lufs` after the limiter.

    The limiter takes loudness off the peaks (0.5-1 LU on Piper's peaky speech), so the gain is
    chosen by trial: limit, meter the result, raise the gain by what the limiter took (at most
    `trials` times, usually one). The output is still one gain and one limiter over the original
    samples: no compressor, no second dynamic pass. `measured_lufs`, when the caller knows it,
    saves the first measurement.
    """
    if measured_lufs is None:
        measured_lufs = integrated_loudness(program, rate, channels)
    gain_db = target_lufs - measured_lufs if np.isfinite(measured_lufs) else 0.0
    tried: list[tuple[float, float]] = []  # (gain in dB, loudness after the limiter)
    for _ in range(trials):
        limited = limit(program * 10 ** (gain_db / 20), rate, ceiling_dbfs)
        after = integrated_loudness(limited, rate, channels)
        if not np.isfinite(after) or abs(after - target_lufs) < tolerance_lu:
            break
        tried.append((gain_db, after))
        if len(tried) < 2:
            gain_db += target_lufs - after
        else:  # secant: the limiter gives back less than each dB of gain, and less the harder it works
            (g0, l0), (g1, l1) = tried[-2:]
            slope = (l1 - l0) / (g1 - g0) if g1 != g0 else 1.0
            gain_db = g1 + (target_lufs - l1) / max(slope, 0.1)
    return limited


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
    joined = np.concatenate(pieces)
    stuffed = np.zeros(len(joined) * _OVERSAMPLE)
    stuffed[:: _OVERSAMPLE] = joined
    peak = max(float(np.abs(np.convolve(stuffed, taps, mode="same")).max()), float(magnitude.max()))
    return 20 * math.log10(peak)


@dataclass(frozen=True)
class FileLoudness:
    """ffmpeg ebur128 on a file as a listener's app decodes it: integrated LUFS, true peak dBTP."""

    integrated_lufs: float
    true_peak_dbtp: float
    loudness_range_lu: float


_SUMMARY = re.compile(r"Integrated loudness:\s*I:\s*(?P<i>-?[\d.]+|-inf) LUFS.*?LRA:\s*(?P<lra>[\d.]+) LU"
                      r"(?:.*?True peak:\s*Peak:\s*(?P<tp>-?[\d.]+|-inf) dBFS)?", re.S)


def parse_ebur128(stderr: str, where: Path | str) -> FileLoudness:
    match = None
    for match in _SUMMARY.finditer(stderr):
        pass  # the summary is printed last
    if match is None:
        raise StageError(f"{where}: ffmpeg's ebur128 printed no loudness summary")
    return FileLoudness(float(match["i"]), float(match["tp"] or "nan"), float(match["lra"]))


def measure_file(path: Path) -> tuple[FileLoudness, np.ndarray, int]:
    """Decodes `path` once and meters it on the way: (loudness, mono samples, sample rate)."""
    from pipeline.audio import _probe_rate, ffmpeg

    rate = _probe_rate(path)
    command = [ffmpeg(), "-hide_banner", "-nostats", "-i", str(path),
               "-af", "ebur128=framelog=quiet,pan=mono|c0=c0", "-f", "s16le", "-ar", str(rate), "-"]
    result = subprocess.run(command, capture_output=True, check=False)
    stderr = result.stderr.decode(errors="replace")
    if result.returncode != 0:
        raise StageError(f"{path}: ffmpeg cannot decode it: {stderr.strip()[-300:]}")
    samples = np.frombuffer(result.stdout, dtype=np.int16).astype(np.float32) / 32768.0
    measured = parse_ebur128(stderr, path)
    # True peak from the decoded samples here: ffmpeg's own (peak=true) oversamples the whole file,
    # which costs more than the decode; this oversamples only where the peak can be. A dual-mono
    # file's channels are identical, so the first channel's peak is the file's.
    return FileLoudness(measured.integrated_lufs, round(true_peak_dbtp(samples), 2), measured.loudness_range_lu), \
        samples, rate
