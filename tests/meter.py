"""An independent meter for the tests: ffmpeg's own ebur128 filter, on samples or on an MP3 file.

The pipeline meters with its own BS.1770 code (pipeline.audio.loudness); the tests hold it, and the
MP3s the mix publishes, to what ffmpeg reads.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np

from pipeline import audio
from pipeline.audio import loudness

_SUMMARY = re.compile(r"Integrated loudness:\s*I:\s*(?P<i>-?[\d.]+|-inf) LUFS.*?LRA:\s*(?P<lra>[\d.]+) LU"
                      r"(?:.*?True peak:\s*Peak:\s*(?P<tp>-?[\d.]+|-inf) dBFS)?", re.S)


def parse_ebur128(stderr: str) -> loudness.Reading:
    match = None
    for match in _SUMMARY.finditer(stderr):
        pass  # the summary is printed last
    assert match is not None, f"ffmpeg's ebur128 printed no loudness summary: {stderr[-300:]}"
    return loudness.Reading(float(match["i"]), float(match["tp"] or "nan"), float(match["lra"]))


def of_samples(samples: np.ndarray, rate: int, channels: int = 1, true_peak: bool = False) -> loudness.Reading:
    """ffmpeg's reading of float `samples` played as `channels` identical channels."""
    interleaved = np.repeat(np.asarray(samples, np.float32), channels)
    command = [audio.ffmpeg(), "-hide_banner", "-nostats", "-f", "f32le", "-ar", str(rate), "-ac", str(channels),
               "-i", "-", "-af", f"ebur128=framelog=quiet{':peak=true' if true_peak else ''}", "-f", "null", "-"]
    result = subprocess.run(command, input=interleaved.tobytes(), capture_output=True, check=True)
    return parse_ebur128(result.stderr.decode())


def of_file(path: Path) -> tuple[loudness.Reading, np.ndarray, int]:
    """ffmpeg decodes `path` and meters it on the way: (reading, the first channel's samples, rate).

    The true peak is the pipeline's own oversampling of the decoded samples (ffmpeg's `peak=true` is
    checked against it in tests/audio/test_loudness.py): a dual-mono file's channels are identical.
    """
    command = [audio.ffmpeg(), "-hide_banner", "-nostats", "-i", str(path),
               "-af", "ebur128=framelog=quiet,pan=mono|c0=c0", "-f", "s16le", "-"]
    result = subprocess.run(command, capture_output=True, check=True)
    stderr = result.stderr.decode(errors="replace")
    rate = int(audio.STREAM_RATE.search(stderr)[1])
    samples = audio.pcm16_to_float(result.stdout)
    reading = parse_ebur128(stderr)
    return loudness.Reading(reading.integrated_lufs, round(loudness.true_peak_dbtp(samples), 2),
                            reading.loudness_range_lu), samples, rate
