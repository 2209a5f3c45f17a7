"""The MP3 encode: CBR through ffmpeg's libmp3lame, in parallel segments joined frame-exactly.

LAME is single-threaded, and the encode is the longest step of the mix. An episode has silent pauses
between its lines, so it is cut there into one segment per core, each segment is encoded by its own
ffmpeg at the same time, and the MP3 frames are joined. MP3 frames need nothing from the frames of
another stream (a fresh encoder starts with an empty bit reservoir), so the joined file is one valid
stream, and a decoder plays it as if it had been encoded in one piece: every sample where it belongs.

What makes the join sample-exact is LAME's framing, measured once per encoder build and settings
(`calibrate`): a decoder plays `priming` samples of encoder delay before the first input sample, and
`n` input samples take `ceil(n / frame) + flush` frames of `frame` samples each (1152, or 576 below
32 kHz: ffmpeg hands LAME whole frames, and LAME flushes with 1152 samples' worth, one or two
frames). So when segment A (input samples [a, b)) ends, its frames have played up to
a + frames * frame in decoded time, and segment B starts its input exactly there: the samples between
b and that point (one to two frames, 26 to 52 ms of the pause at 44.1 kHz) are the ones A's end
padding and B's priming stand in for. The seam lies in digital silence, so nothing of the programme
is lost, and every sample after it plays at its own position plus `priming`. An encoder that frames
differently is encoded in one piece.

No Xing/Info header is written (it would describe one segment, not the file) and no ID3 tag by
ffmpeg (mutagen writes the full ID3v2.4 tag afterwards). Without the header a gapless decoder has no
delay to trim, so decoders play the priming (ffmpeg's does, which the tests use), and the timeline
the mix publishes adds `priming` to every position.
"""

from __future__ import annotations

import functools
import hashlib
import json
import subprocess
import tempfile
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from pipeline import files
from pipeline.audio import ffmpeg, pcm16_to_float, to_int16
from pipeline.errors import StageError

CALIBRATION_VERSION = 2
# Layer III by MPEG version (the header's two version bits): kbps by bitrate index, Hz by rate index,
# samples per frame. MPEG-2 and 2.5 are the low rates (16-24 kHz and below), with half-size frames.
_LAYER_III = {
    3: ((0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320), (44100, 48000, 32000), 1152),
    2: ((0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160), (22050, 24000, 16000), 576),
    0: ((0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160), (11025, 12000, 8000), 576),
}


@dataclass(frozen=True)
class Settings:
    rate: int
    bitrate: str  # "128k"
    channels: int = 1
    quality: int | None = None  # LAME -q: 0 slowest/best .. 9 fastest; None keeps LAME's default


@dataclass(frozen=True)
class Calibration:
    """What this encoder build does at these settings, measured (see the module docstring)."""

    gain_db: float  # how much louder (negative: quieter) the MP3 decodes than the PCM fed in
    priming: int  # samples a decoder plays before the first input sample
    frame: int  # samples per frame: 1152 (MPEG-1, 32-48 kHz) or 576 (lower rates)
    flush: int  # frames LAME adds after the input's last (partial) frame: 1152 samples' worth
    frames_known: bool  # the encoder follows `frames`, so parts can be joined

    def plausible(self) -> bool:
        """What any MP3 encoder could measure (a cache file is checked with this before it is trusted)."""
        numbers = (self.gain_db, self.priming, self.frame, self.flush)
        return (all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers)
                and isinstance(self.frames_known, bool) and self.frame in (576, 1152) and 1 <= self.flush <= 4
                and 0 <= self.priming < 4 * self.frame and abs(self.gain_db) < 3)

    def frames(self, samples: int) -> int:
        """The frames LAME makes of `samples` input samples."""
        return -(-samples // self.frame) + self.flush


def command(settings: Settings, target: str) -> list[str]:
    cmd = [ffmpeg(), "-hide_banner", "-nostats", "-v", "error", "-y",
           "-f", "s16le", "-ar", str(settings.rate), "-ac", str(settings.channels), "-i", "-",
           "-c:a", "libmp3lame", "-b:a", settings.bitrate, "-ar", str(settings.rate)]
    if settings.quality is not None:
        cmd += ["-compression_level", str(settings.quality)]
    return cmd + ["-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", target]


def pcm_bytes(samples: np.ndarray, channels: int) -> memoryview:
    # Dual mono is duplicated here: ffmpeg's own upmix would put each channel 3 dB down.
    return memoryview(to_int16(samples, channels)).cast("B")


def encode_bytes(samples: np.ndarray, settings: Settings) -> bytes:
    """One encode held in memory (short signals: calibration, tests)."""
    result = subprocess.run(command(settings, "-"), input=pcm_bytes(samples, settings.channels),
                            capture_output=True, check=False)
    if result.returncode != 0:
        raise StageError(f"ffmpeg could not encode MP3: {result.stderr.decode(errors='replace').strip()[-300:]}")
    return result.stdout


def decode_bytes(data: bytes) -> np.ndarray:
    """MP3 bytes as the first channel's float32 samples, every frame played (priming included)."""
    result = subprocess.run([ffmpeg(), "-v", "error", "-f", "mp3", "-i", "-", "-af", "pan=mono|c0=c0",
                             "-f", "s16le", "-"], input=data, capture_output=True, check=False)
    if result.returncode != 0:
        raise StageError(f"ffmpeg cannot decode the MP3: {result.stderr.decode(errors='replace').strip()[-300:]}")
    return pcm16_to_float(result.stdout)


def count_frames(data: bytes | memoryview) -> tuple[int, int]:
    """(frames, samples per frame) of a Layer III stream; StageError at anything that is not a frame."""
    count, position, size, frame = 0, 0, len(data), 0
    while position < size:
        if size - position < 4:
            raise StageError(f"MP3 stream: {size - position} stray bytes at its end")
        header = int.from_bytes(data[position : position + 4], "big")
        version, bitrate_index, rate_index = (header >> 19) & 3, (header >> 12) & 15, (header >> 10) & 3
        if header >> 21 != 0x7FF or version not in _LAYER_III or (header >> 17) & 3 != 1 \
                or bitrate_index in (0, 15) or rate_index == 3:
            raise StageError(f"MP3 stream: no Layer III frame at byte {position}")
        bitrates, rates, samples = _LAYER_III[version]
        if frame and samples != frame:
            raise StageError(f"MP3 stream: the frame at byte {position} changes the MPEG version")
        frame = samples
        position += samples // 8 * bitrates[bitrate_index] * 1000 // rates[rate_index] + ((header >> 9) & 1)
        count += 1
    if position != size:
        raise StageError("MP3 stream: the last frame is cut short")
    return count, frame


def calibrate(settings: Settings, cache_dir: Path | None = None) -> Calibration:
    """The encoder's level offset and priming at `settings`, from the disk cache when it has them."""
    key = _cache_key(settings)
    path = cache_dir / f"mp3-calibration-{key}.json" if cache_dir else None
    if path is not None and path.exists():
        try:
            stored = Calibration(**json.loads(path.read_text(encoding="utf-8")))
            if stored.plausible():
                return stored
        except (OSError, ValueError, TypeError):
            pass  # a damaged cache file is measured again and rewritten
    calibration = _measure(settings)
    if path is not None:
        files.write_text(path, json.dumps(asdict(calibration)) + "\n")
        files.prune(path.parent, "mp3-calibration-*.json", keep=path)
    return calibration


def _cache_key(settings: Settings) -> str:
    binary = Path(ffmpeg()).stat()
    identity = [CALIBRATION_VERSION, ffmpeg(), binary.st_size, binary.st_mtime_ns, asdict(settings)]
    return hashlib.sha256(json.dumps(identity).encode()).hexdigest()[:16]


@functools.cache
def _measure(settings: Settings) -> Calibration:
    """A noise burst finds the priming (by cross-correlation: MP3 pre-echo blurs a plain onset), then a
    997 Hz tone the level offset. The frame rule is checked on either side of a frame's edge."""
    rate = settings.rate
    rng = np.random.default_rng(7)
    burst = (0.2 * rng.standard_normal(rate // 10)).astype(np.float32)
    lead = rate // 4
    tone = (0.25 * np.sin(2 * np.pi * 997 * np.arange(2 * rate) / rate)).astype(np.float32)
    signal = np.concatenate([np.zeros(lead, np.float32), burst, np.zeros(rate // 4, np.float32), tone])
    encoded = encode_bytes(signal, settings)
    decoded = decode_bytes(encoded)
    frames, frame = count_frames(encoded)
    if len(decoded) != frames * frame:
        raise StageError("MP3 calibration: the decoder did not play every frame")

    search = decoded[: lead + len(burst) + 4 * frame]
    correlation = np.correlate(search, burst, mode="valid")
    priming = int(np.argmax(np.abs(correlation))) - lead
    if not 0 <= priming < 4 * frame:
        raise StageError(f"MP3 calibration: an encoder delay of {priming} samples is not plausible")
    tone_at = priming + len(signal) - len(tone)
    middle = slice(tone_at + rate // 2, tone_at + len(tone) - rate // 2)  # away from the codec's edges
    played = decoded[middle]
    gain_db = float(10 * np.log10(np.mean(played**2) / np.mean(tone[rate // 2 : -rate // 2] ** 2)))

    calibration = Calibration(gain_db=round(gain_db, 3), priming=priming, frame=frame,
                              flush=frames - -(-len(signal) // frame), frames_known=False)
    edge = 8 * frame
    known = all(
        count_frames(encode_bytes(np.zeros(length, np.float32), settings))[0] == calibration.frames(length)
        for length in (edge - 1, edge, edge + 1))
    return replace(calibration, frames_known=known)


def plan_segments(total: int, silences: list[tuple[int, int]], parts: int, calibration: Calibration,
                  margin: int) -> list[tuple[int, int]]:
    """Consecutive input ranges [start, end), one per encoder, at most `parts` of them.

    Each seam lies in one of `silences` (sample spans of digital silence), as near as there is one to
    an equal share of the episode. The next range starts where the previous range's frames end (see
    the module docstring), so a seam needs one to two frames of the silence plus
    `margin` on either side. Fewer ranges when the silences do not allow more, and one when the
    encoder's framing is not known.
    """
    ranges: list[tuple[int, int]] = []
    start = 0
    for part in range(1, parts if calibration.frames_known else 1):
        ideal = total * part / parts
        best = None
        for first, last in silences:
            seam = first + margin
            following = start + calibration.frames(seam - start) * calibration.frame
            if seam <= start + margin or following > last - margin or following >= total - margin:
                continue
            if best is None or abs(seam - ideal) < abs(best[0] - ideal):
                best = (seam, following)
        if best is None:
            break
        ranges.append((start, best[0]))
        start = best[1]
    ranges.append((start, total))
    return ranges


class PartsMisaligned(StageError):
    """An encoder made another number of frames than the calibration says: the parts would not join."""


class ParallelEncode:
    """Encoders running side by side, one per range, joined into `path` by `finish`.

        with ParallelEncode(path, settings, calibration) as encoding:
            for start, end in ranges:  # from plan_segments
                encoding.add(start, end, samples)  # this range's encoder starts now
            ...  # free to work while they encode
            frames = encoding.finish()

    The parts are written to a temporary folder outside the day's folder and removed either way.
    """

    def __init__(self, path: Path, settings: Settings, calibration: Calibration):
        self.path, self.settings, self.calibration = path, settings, calibration
        self._folder = tempfile.TemporaryDirectory(prefix="dailycast-mp3-")
        self._encoders: list[_Encoder] = []

    def __enter__(self) -> ParallelEncode:
        return self

    def __exit__(self, *exc_info) -> None:
        for encoder in self._encoders:
            encoder.stop()
        self._folder.cleanup()

    def add(self, start: int, end: int, samples: np.ndarray) -> None:
        """Starts encoding the range [start, end): it must begin where the previous range's frames end."""
        expected = 0
        if self._encoders:
            previous = self._encoders[-1]
            expected = previous.start + self.calibration.frames(previous.end - previous.start) * self.calibration.frame
        if start != expected or end <= start or len(samples) != end - start:
            raise ValueError(f"range [{start}, {end}) with {len(samples)} samples does not follow the previous "
                             f"range's frames (it must start at {expected})")
        part = Path(self._folder.name) / f"{len(self._encoders)}.mp3"
        self._encoders.append(_Encoder(start, end, part, self.settings, pcm_bytes(samples, self.settings.channels)))

    def finish(self) -> int:
        """Waits for every encoder, checks each part's frames, joins them into `path`; the frame count.

        Raises PartsMisaligned (`path` untouched) when a part's frames are not the calibrated count.
        """
        for encoder in self._encoders:
            encoder.wait(self.path)
        parts = [encoder.part.read_bytes() for encoder in self._encoders]
        total = 0
        for encoder, data in zip(self._encoders, parts):
            frames, expected = count_frames(data)[0], self.calibration.frames(encoder.end - encoder.start)
            if frames != expected and len(parts) > 1:
                raise PartsMisaligned(f"{self.path}: an encoder made {frames} frames of {encoder.end - encoder.start} "
                                      f"samples, expected {expected}: the parts would not join exactly")
            total += frames
        with open(self.path, "wb") as joined:
            for data in parts:
                joined.write(data)
        return total


class _Encoder:
    """One ffmpeg encoding one range into `part`, fed from a thread so that the caller goes on."""

    def __init__(self, start: int, end: int, part: Path, settings: Settings, pcm: memoryview):
        self.start, self.end, self.part = start, end, part
        # stderr to a file: a pipe nobody reads until the end could fill and stall ffmpeg.
        self.log = open(part.with_suffix(".log"), "w+b")  # closed in stop()
        self.process = subprocess.Popen(command(settings, str(part)), stdin=subprocess.PIPE, stderr=self.log)
        self.failure: list[str] = []
        self.feeder = threading.Thread(target=self._feed, args=(pcm,), daemon=True)
        self.feeder.start()

    def _feed(self, pcm: memoryview) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(pcm)
        except OSError as exc:  # ffmpeg died early: its stderr says why
            self.failure.append(str(exc))
        finally:
            try:
                self.process.stdin.close()
            except OSError:
                pass

    def wait(self, path: Path) -> None:
        self.feeder.join()
        status = self.process.wait()
        if status != 0 or self.failure:
            self.log.seek(0)
            stderr = self.log.read().decode(errors="replace").strip()
            reason = stderr[-300:] or (self.failure[0] if self.failure else f"exit status {status}")
            raise StageError(f"{path}: ffmpeg could not encode the MP3: {reason}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.feeder.join()
        self.log.close()
