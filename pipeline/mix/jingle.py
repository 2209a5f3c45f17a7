"""The show's own music, synthesized in code: an intro sting, an outro, and a soft bed for the greeting.

Everything is additive synthesis with numpy (no samples, no third-party music), deterministic (the
same rate gives the same samples), and band-limited: no partial goes above 0.45 of the sample rate,
so the music adds no aliasing and no inter-sample peaks beyond what the limiter sees.

The motif is a rising D-major arpeggio on a bell-like pluck over a warm pad; the outro answers it
falling back to the tonic. Each piece is returned at a fixed loudness (`LEVEL_LUFS`) so the mix can
place it relative to the speech with one gain. `show_music` keeps the rendered pieces in the work
folder's cache (keyed by this file's source and the rate): a fresh process loads them in milliseconds.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from pipeline import files
from pipeline.audio import loudness
from pipeline.mix.master import moving_average

LEVEL_LUFS = -23.0
BEAT = 60 / 112  # seconds per beat at 112 bpm
INTRO_SPEECH_AT = 8 * BEAT / 2 + 0.35  # the first words come in as the motif resolves

_D4 = 293.66


def _hz(semitones_from_d4: float) -> float:
    return _D4 * 2 ** (semitones_from_d4 / 12)


def _envelope(length: int, rate: int, attack: float, decay: float) -> np.ndarray:
    t = np.arange(length) / rate
    rise = np.minimum(1.0, t / attack) if attack > 0 else np.ones(length)
    return rise * np.exp(-t / decay)


def _pluck(freq: float, seconds: float, rate: int) -> np.ndarray:
    """A bell-like pluck: a few harmonics, the higher ones dying faster."""
    length = int(seconds * rate)
    t = np.arange(length) / rate
    out = np.zeros(length)
    for number, (weight, decay) in enumerate([(1.0, 0.9), (0.45, 0.45), (0.25, 0.25), (0.12, 0.12)], start=1):
        partial = freq * number * (1 + 0.0007 * number**2)  # a touch of inharmonicity: bell, not organ
        if partial < 0.45 * rate:
            out += weight * np.sin(2 * np.pi * partial * t) * _envelope(length, rate, 0.004, decay)
    return out


def _pad(freqs: list[float], seconds: float, rate: int, attack: float = 0.6, release: float = 1.2) -> np.ndarray:
    """A warm sustained chord: slightly detuned sine pairs with a slow swell in and out."""
    length = int(seconds * rate)
    t = np.arange(length) / rate
    out = np.zeros(length)
    for freq in freqs:
        for detune, weight in ((0.998, 0.5), (1.002, 0.5), (2.0, 0.12)):
            out += weight * np.sin(2 * np.pi * freq * detune * t)
    shape = np.minimum(1.0, t / attack) * np.minimum(1.0, (seconds - t) / release).clip(0, 1)
    return out * shape * (1 + 0.08 * np.sin(2 * np.pi * 0.7 * t))


def _place(into: np.ndarray, sound: np.ndarray, at_seconds: float, rate: int, gain: float = 1.0) -> None:
    start = int(at_seconds * rate)
    end = min(len(into), start + len(sound))
    into[start:end] += gain * sound[: end - start]


def _level(samples: np.ndarray, rate: int) -> np.ndarray:
    return (samples * loudness.gain_to(LEVEL_LUFS, loudness.integrated_loudness(samples, rate))).astype(np.float32)


@cache
def intro(rate: int) -> np.ndarray:
    """About five seconds: the motif, then a chord that decays under the greeting."""
    out = np.zeros(int(5.2 * rate))
    motif = [0, 4, 7, 12, 9, 14]  # D F# A D' B E': rises and leaves the phrase open
    for beat, step in enumerate(motif):
        _place(out, _pluck(_hz(step), 2.2, rate), beat * BEAT / 2, rate, 0.5)
    _place(out, _pluck(_hz(16), 2.8, rate), 3 * BEAT, rate, 0.45)  # F#'' on the downbeat
    _place(out, _pad([_hz(-12), _hz(-5), _hz(2), _hz(4)], 5.0, rate, attack=0.8, release=2.2), 0.1, rate, 0.22)
    return _level(out, rate)


@cache
def outro(rate: int) -> np.ndarray:
    """About four seconds: the motif answered, falling home to D."""
    out = np.zeros(int(4.6 * rate))
    for beat, step in enumerate([14, 12, 9, 7, 4, 0]):
        _place(out, _pluck(_hz(step), 2.4, rate), beat * BEAT / 2, rate, 0.5)
    _place(out, _pluck(_hz(-12), 3.0, rate), 3 * BEAT, rate, 0.35)
    _place(out, _pad([_hz(-12), _hz(-5), _hz(0), _hz(4)], 4.4, rate, attack=0.5, release=2.0), 0.0, rate, 0.22)
    return _level(out, rate)


@cache
def _bed_loop(rate: int) -> np.ndarray:
    """Eight bars of a gentle two-chord pad (D and G over D), seamless when repeated."""
    bar = 4 * BEAT
    length = int(8 * bar * rate)
    out = np.zeros(length + int(0.6 * rate))
    chords = [[_hz(-12), _hz(-5), _hz(0), _hz(4)], [_hz(-12), _hz(-7), _hz(-1), _hz(5)]]
    for number in range(4):
        _place(out, _pad(chords[number % 2], 2 * bar + 0.6, rate, attack=0.9, release=1.0), number * 2 * bar, rate)
    wrap = out[length:].copy()  # the last chord's release overlaps the loop's start
    out = out[:length]
    out[: len(wrap)] += wrap
    return _level(out, rate)


@dataclass(frozen=True)
class ShowMusic:
    intro: np.ndarray
    outro: np.ndarray
    bed_loop: np.ndarray

    def bed(self, length: int) -> np.ndarray:
        """The bed for `length` samples, at LEVEL_LUFS before any ducking."""
        return np.resize(self.bed_loop, length).astype(np.float32)


def show_music(rate: int, cache_dir: Path | None = None) -> ShowMusic:
    """The intro, the outro and the bed loop at `rate`: rendered once, then from the cache."""
    # The pieces depend on this code and on the meter that sets their level.
    sources = Path(__file__).read_bytes() + Path(loudness.__file__).read_bytes()
    key = hashlib.sha256(sources + str(rate).encode()).hexdigest()[:16]
    path = cache_dir / f"music-{key}.npz" if cache_dir else None
    if path is not None and path.exists():
        try:
            with np.load(path) as stored:
                return ShowMusic(stored["intro"], stored["outro"], stored["bed_loop"])
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error):
            pass  # a damaged cache file is rendered again and rewritten
    music = ShowMusic(intro(rate), outro(rate), _bed_loop(rate))
    if path is not None:
        buffer = io.BytesIO()
        np.savez(buffer, intro=music.intro, outro=music.outro, bed_loop=music.bed_loop)
        files.write_bytes(path, buffer.getvalue())
        files.prune(path.parent, "music-*.npz", keep=path)
    return music


def ducking_gain(length: int, rate: int, speech: list[tuple[float, float]], duck_db: float,
                 attack: float = 0.25, release: float = 0.5) -> np.ndarray:
    """Gain for the bed: 1 between lines, `duck_db` down while anyone speaks.

    The timeline is known in advance, so the bed starts going down `attack` seconds before a line and
    comes back `release` seconds after it: no side-chain detector, no pumping.
    """
    ducked = 10 ** (duck_db / 20)
    gain = np.ones(length, np.float32)
    for start, end in speech:
        gain[max(0, int((start - attack / 2) * rate)): max(0, int((end + release / 2) * rate))] = ducked
    return moving_average(gain, max(0, int(min(attack, release) * rate) // 2))
