"""Audio plumbing shared by the voice and mix stages: the PCM type, WAV files, resampling, decoding.

ffmpeg comes from the imageio-ffmpeg wheel, so no system package is needed. That build ships no
ffprobe, so decoding goes through ffmpeg directly rather than pydub's probing `from_file`.
"""

from __future__ import annotations

import functools
import io
import os
import re
import subprocess
import wave
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from pipeline.errors import StageError


@dataclass(frozen=True)
class Audio:
    """Mono float32 samples in [-1, 1].

    `sample_rate` may be fractional: a pitch-shifted voice declares its samples at a shifted rate and
    the voice stage resamples once, to the show's rate.
    """

    samples: np.ndarray
    sample_rate: float

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.sample_rate


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@functools.cache
def ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def resample(samples: np.ndarray, from_rate: float, to_rate: int) -> np.ndarray:
    """Band-limited (polyphase) resampling; `from_rate` may be fractional."""
    if abs(from_rate - to_rate) < 1e-6:
        return samples.astype(np.float32)
    from scipy.signal import resample_poly

    ratio = Fraction(to_rate / from_rate).limit_denominator(1000)
    return resample_poly(samples, ratio.numerator, ratio.denominator).astype(np.float32)


def pcm16_to_float(data: bytes, channels: int = 1) -> np.ndarray:
    """Little-endian 16-bit PCM as mono float32 (channels averaged); a trailing partial frame is dropped."""
    usable = len(data) - len(data) % (2 * channels)
    samples = np.frombuffer(data[:usable], dtype="<i2").astype(np.float32) / 32768.0
    return samples.reshape(-1, channels).mean(axis=1) if channels > 1 else samples


def wav_bytes_to_float(data: bytes) -> tuple[np.ndarray, int]:
    """A 16-bit WAV held in memory, as mono float32 and its rate.

    Streamed WAVs (espeak to a pipe, TTS servers) often carry a placeholder length: whatever frames are
    there are read. Raises ValueError when it is not a 16-bit WAV.
    """
    try:
        with wave.open(io.BytesIO(data), "rb") as handle:
            if handle.getsampwidth() != 2:
                raise ValueError("expected 16-bit samples")
            rate, channels = handle.getframerate(), handle.getnchannels()
            frames = handle.readframes(2**31 - 1)
    except (wave.Error, EOFError) as exc:
        raise ValueError(str(exc) or "truncated") from None
    return pcm16_to_float(frames, channels), rate


def join_with_gaps(chunks: list[np.ndarray], gap_seconds: float, rate: float) -> np.ndarray:
    """The chunks in order with `gap_seconds` of silence between them (float32)."""
    gap = np.zeros(int(gap_seconds * rate), np.float32)
    pieces = [piece for chunk in chunks for piece in (gap, chunk)][1:]
    return np.concatenate(pieces).astype(np.float32) if pieces else np.zeros(0, np.float32)


_CHUNK = 1 << 16


def to_int16(samples: np.ndarray, channels: int = 1) -> np.ndarray:
    """16-bit PCM of mono float `samples` (clipped, rounded), each sample repeated for `channels`.

    Converted a cache-sized chunk at a time: whole-episode temporaries (four of them, 90 MB each)
    cost more in page faults than the arithmetic.
    """
    out = np.empty((len(samples), channels), np.int16)
    scratch = np.empty(_CHUNK, np.float32)
    for start in range(0, len(samples), _CHUNK):
        part = samples[start : start + _CHUNK]
        scaled = np.multiply(part, 32767.0, out=scratch[: len(part)], dtype=np.float32, casting="unsafe")
        np.clip(scaled, -32767.0, 32767.0, out=scaled)
        np.rint(scaled, out=scaled)
        out[start : start + len(part)] = scaled[:, None]
    return out.reshape(-1)


def write_wav(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """Mono 16-bit WAV. Callers wrap this in files.atomic_path."""
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(sample_rate)
        handle.writeframes(to_int16(samples).tobytes())


def wav_length(path: Path) -> int:
    """The frames in a WAV file, from its header."""
    try:
        with wave.open(str(path), "rb") as handle:
            return handle.getnframes()
    except (wave.Error, EOFError) as exc:
        raise StageError(f"{path}: not a readable WAV file: {exc}") from None


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    try:
        with wave.open(str(path), "rb") as handle:
            if handle.getsampwidth() != 2 or handle.getnchannels() != 1:
                raise StageError(f"{path}: expected mono 16-bit WAV")
            frames = handle.readframes(handle.getnframes())
            rate = handle.getframerate()
    except (wave.Error, EOFError) as exc:
        raise StageError(f"{path}: not a readable WAV file: {exc}") from None
    return np.frombuffer(frames, dtype=np.int16).astype(np.float32) / 32768.0, rate


STREAM_RATE = re.compile(r"Audio: .*?, (\d+) Hz")


def decode(path: Path, sample_rate: int | None = None) -> tuple[np.ndarray, int]:
    """Any file ffmpeg reads, as mono float32 samples, and their rate."""
    command = [ffmpeg(), "-hide_banner", "-nostats", "-i", str(path), "-f", "s16le", "-ac", "1"]
    if sample_rate:
        command += ["-ar", str(sample_rate)]
    result = subprocess.run(command + ["-"], capture_output=True, check=False)
    stderr = result.stderr.decode(errors="replace")
    found = STREAM_RATE.search(stderr)
    if result.returncode != 0 or found is None:
        raise StageError(f"{path}: ffmpeg cannot decode it: {stderr.strip()[-300:]}")
    return pcm16_to_float(result.stdout), sample_rate or int(found[1])
