"""Audio plumbing shared by the stages: WAV files, resampling, MP3 through pydub and ffmpeg.

ffmpeg comes from the imageio-ffmpeg wheel, so no system package is needed. That build ships no
ffprobe, so decoding goes through ffmpeg directly rather than pydub's probing `from_file`.
"""

from __future__ import annotations

import functools
import subprocess
import warnings
import wave
from fractions import Fraction
from pathlib import Path

import numpy as np

from pipeline.errors import StageError


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


def to_int16(samples: np.ndarray) -> np.ndarray:
    return (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype(np.int16)


def write_wav(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """Mono 16-bit WAV. Callers wrap this in files.atomic_path."""
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(sample_rate)
        handle.writeframes(to_int16(samples).tobytes())


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


def encode_mp3(path: Path, samples: np.ndarray, sample_rate: int, bitrate: str, tags: dict[str, str]) -> None:
    """One encode of the whole episode (CBR) through pydub's ffmpeg exporter."""
    with warnings.catch_warnings():  # pydub looks for an `ffmpeg` on PATH at import; we pass our own
        warnings.simplefilter("ignore", RuntimeWarning)
        from pydub import AudioSegment

    AudioSegment.converter = ffmpeg()
    segment = AudioSegment(to_int16(samples).tobytes(), frame_rate=sample_rate, sample_width=2, channels=1)
    segment.export(str(path), format="mp3", bitrate=bitrate, tags=tags)


def decode(path: Path, sample_rate: int | None = None) -> tuple[np.ndarray, int]:
    """Any file ffmpeg reads, as mono float32 samples."""
    command = [ffmpeg(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1"]
    if sample_rate:
        command += ["-ar", str(sample_rate)]
    result = subprocess.run(command + ["-"], capture_output=True, check=False)
    if result.returncode != 0:
        raise StageError(f"{path}: ffmpeg cannot decode it: {result.stderr.decode(errors='replace').strip()}")
    rate = sample_rate or _probe_rate(path)
    return np.frombuffer(result.stdout, dtype=np.int16).astype(np.float32) / 32768.0, rate


def _probe_rate(path: Path) -> int:
    result = subprocess.run([ffmpeg(), "-hide_banner", "-i", str(path)], capture_output=True, text=True, check=False)
    for token in result.stderr.split(","):
        if token.strip().endswith(" Hz"):
            return int(token.strip().split()[0])
    raise StageError(f"{path}: no audio stream found")
