"""Measurements on synthesized speech: median pitch, for telling the two hosts apart."""

from __future__ import annotations

import math

import numpy as np

FRAME_SECONDS = 0.04
HOP_SECONDS = 0.01
MIN_PITCH_HZ = 60.0
MAX_PITCH_HZ = 400.0
VOICING = 0.6  # normalized autocorrelation at the period: above this a frame is voiced


def median_pitch_hz(samples: np.ndarray, sample_rate: float) -> float:
    """Median fundamental frequency over the voiced frames (autocorrelation method).

    Raises ValueError when no frame is voiced (silence, noise).
    """
    frame = int(FRAME_SECONDS * sample_rate)
    hop = int(HOP_SECONDS * sample_rate)
    min_lag = int(sample_rate / MAX_PITCH_HZ)
    max_lag = int(sample_rate / MIN_PITCH_HZ)
    loudness_floor = 0.1 * float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)) or 0)
    pitches = []
    for start in range(0, len(samples) - frame, hop):
        window = samples[start : start + frame].astype(np.float64)
        window = window - window.mean()
        if np.sqrt(np.mean(window**2)) < loudness_floor:
            continue
        spectrum = np.fft.rfft(window, 2 * frame)
        correlation = np.fft.irfft(spectrum * np.conj(spectrum))[:frame]
        if correlation[0] <= 0:
            continue
        # Normalize by the shrinking overlap so long lags are not penalized.
        normalized = correlation / correlation[0] * frame / (frame - np.arange(frame))
        candidates = normalized[min_lag:max_lag]
        best = float(candidates.max())
        if best < VOICING:
            continue
        # The first lag nearly as strong as the best one: multiples of the period score as high.
        lag = min_lag + int(np.argmax(candidates >= 0.9 * best))
        while lag + 1 < max_lag and normalized[lag + 1] > normalized[lag]:
            lag += 1
        if normalized[lag] >= VOICING:
            pitches.append(sample_rate / _refine(normalized, lag))
    if not pitches:
        raise ValueError("no voiced frames")
    return float(np.median(pitches))


def _refine(values: np.ndarray, peak: int) -> float:
    """Sub-sample peak position by parabolic interpolation."""
    if peak <= 0 or peak >= len(values) - 1:
        return float(peak)
    left, centre, right = values[peak - 1], values[peak], values[peak + 1]
    denominator = left - 2 * centre + right
    return peak + (0.5 * (left - right) / denominator if denominator else 0.0)


def semitones(high_hz: float, low_hz: float) -> float:
    return 12 * math.log2(high_hz / low_hz)
