"""Audio plumbing shared by the stages: WAV files, resampling, MP3 encode and decode through ffmpeg.

ffmpeg comes from the imageio-ffmpeg wheel, so no system package is needed. That build ships no
ffprobe, so decoding goes through ffmpeg directly rather than pydub's probing `from_file`.
"""

from __future__ import annotations

import functools
import io
import subprocess
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


def encode_mp3(
    path: Path,
    samples: np.ndarray,
    sample_rate: int,
    bitrate: str,
    tags: dict[str, str] | None = None,
    *,
    channels: int = 1,
    quality: int | None = None,
) -> None:
    """One CBR encode of the whole episode: raw PCM piped straight into ffmpeg's libmp3lame.

    `channels=2` writes dual mono (joint stereo costs LAME almost nothing for identical channels).
    `quality` is LAME's -q (0 slowest/best .. 9 fastest); None keeps LAME's default. Tags are
    basic text frames; the mix stage writes the full ID3v2.4 set with mutagen afterwards.
    """
    pcm = to_int16(samples)
    if channels == 2:  # duplicate the samples here: ffmpeg's own upmix would put each channel 3 dB down
        pcm = np.repeat(pcm, 2)
    command = [ffmpeg(), "-hide_banner", "-nostats", "-v", "error", "-y",
               "-f", "s16le", "-ar", str(sample_rate), "-ac", str(channels), "-i", "-",
               "-c:a", "libmp3lame", "-b:a", bitrate, "-ar", str(sample_rate)]
    if quality is not None:
        command += ["-compression_level", str(quality)]
    for key, value in (tags or {}).items():
        command += ["-metadata", f"{key}={value}"]
    command += ["-id3v2_version", "4", "-f", "mp3", str(path)]
    result = subprocess.run(command, input=pcm.tobytes(), capture_output=True, check=False)
    if result.returncode != 0:
        raise StageError(f"{path}: ffmpeg could not encode the MP3: {result.stderr.decode(errors='replace').strip()}")


@functools.cache
def encoder_gain_db(sample_rate: int, bitrate: str, channels: int, quality: int | None) -> float:
    """How much louder (negative: quieter) the MP3 decodes than the PCM fed in, at these settings.

    ffmpeg's libmp3lame path plays about 0.45 dB quieter at 128 kbps mono (0.26 dB at 192 kbps),
    the same at every frequency: a level offset, not a spectral one. The mix measures it once with a
    short tone and aims that much higher, so the final MP3, not the PCM, meets the target.
    """
    import tempfile

    seconds = 2
    tone = (0.25 * np.sin(2 * np.pi * 997 * np.arange(seconds * sample_rate) / sample_rate)).astype(np.float32)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "calibration.mp3"
        encode_mp3(path, tone, sample_rate, bitrate, channels=channels, quality=quality)
        # The first channel alone: ffmpeg's downmix to mono would change the level again.
        result = subprocess.run([ffmpeg(), "-v", "error", "-i", str(path), "-af", "pan=mono|c0=c0", "-f", "s16le", "-"],
                                capture_output=True, check=True)
    decoded = np.frombuffer(result.stdout, dtype=np.int16).astype(np.float32) / 32768.0
    middle = slice(sample_rate // 2, len(tone) - sample_rate // 2)  # away from the codec's edges
    gain = np.sqrt(np.mean(decoded[middle] ** 2) / np.mean(tone[middle] ** 2))
    return float(20 * np.log10(gain))


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
