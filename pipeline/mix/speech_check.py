"""The QA gate's ears: a speech recognizer transcribes the mixed episode and every line is scored.

Whisper base (faster-whisper, CTranslate2 int8) listens to the very samples the encoders get, resampled
to 16 kHz, in pieces of whole lines cut in the pauses (up to 30 s each, transcribed as one batch), so
no word is split between two windows and the intro and outro music is not transcribed. Its words are aligned with the script's words over the whole episode at once (one edit-distance
alignment), so no timestamp can move a word into the wrong line; each error is charged to the line of
the script word it touches, and a word the script does not have to the line it was heard in (between two
lines, to the one heard worse). Both sides are compared as they are said: numbers and units
written out (pipeline.text.reading), lower case, without punctuation.

A line of at least `min_line_words` words with a word error rate of `unheard_line_wer` or worse is
unheard: garbled, cut off, silent or in the wrong language. The mix reports those lines (UnheardLines)
and the runner has them voiced again, once, by the host's fallback voice. A host whose word error rate
over the episode is above `max_host_wer` fails the episode.
"""

from __future__ import annotations

import itertools
import math
import re
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from pipeline.audio import cores, resample
from pipeline.config import SpeechCheck
from pipeline.providers import recognizer
from pipeline.text import reading

PAD_SECONDS = 0.25  # heard before the first line and after the last
CLIP_SECONDS = 29.0  # the recognizer hears 30-second windows


@dataclass(frozen=True)
class SpokenLine:
    index: int
    speaker: str
    start: float  # seconds in the samples the check hears
    end: float
    text: str  # the written form, as in the script


@dataclass
class LineScore:
    index: int
    speaker: str
    words: int
    errors: int
    wer: float
    heard: str  # the recognizer's words aligned with this line
    unheard: bool = False


@dataclass
class SpeechReport:
    model: str
    seconds: float  # the recognizer's compute time
    host_wer: dict[str, float]
    lines: list[LineScore] = field(default_factory=list)
    unheard: list[int] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def check(samples: np.ndarray, rate: int, lines: list[SpokenLine], settings: SpeechCheck, language: str) -> SpeechReport:
    started = time.perf_counter()
    audio = resample(np.asarray(samples, np.float32), rate, recognizer.RATE)
    segments = recognizer.transcribe(audio, language, settings.threads or cores(),
                                     clips(lines, len(audio) / recognizer.RATE))
    heard = [word for _, _, text in segments for word in words(text, language)]
    report = score(heard, lines, settings, language)
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def clips(lines: list[SpokenLine], total: float) -> list[tuple[float, float]]:
    """Whole lines packed into pieces of at most CLIP_SECONDS, cut halfway through the pauses between lines
    (a line longer than that is cut in equal parts): no word is split between two of the recognizer's
    windows, and the music before the first line and after the last is not transcribed."""
    if not lines:
        return []
    edges = ([max(0.0, lines[0].start - PAD_SECONDS)] + [(a.end + b.start) / 2 for a, b in itertools.pairwise(lines)]
             + [min(total, lines[-1].end + PAD_SECONDS)])
    pieces: list[list[float]] = []
    for start, end in itertools.pairwise(edges):
        if pieces and end - pieces[-1][0] <= CLIP_SECONDS:
            pieces[-1][1] = end
            continue
        parts = max(1, math.ceil((end - start) / CLIP_SECONDS))
        pieces += [[start + (end - start) * k / parts, start + (end - start) * (k + 1) / parts] for k in range(parts)]
    return [(round(a, 3), round(b, 3)) for a, b in pieces if b > a]


def score(heard: list[str], lines: list[SpokenLine], settings: SpeechCheck, language: str) -> SpeechReport:
    """Each line's and each host's word error rate, from the recognizer's words over the whole episode.

    A word the script does not have, heard inside a line, is charged to that line; heard between two
    lines, to the one of the two that was heard worse: a garbled line's noise is its own, not its neighbour's."""
    expected = [(position, word) for position, line in enumerate(lines) for word in words(line.text, language)]
    pairs = align([word for _, word in expected], heard)
    counts, errors = [0] * len(lines), [0] * len(lines)
    for position, _ in expected:
        counts[position] += 1
    for ref, hyp in pairs:  # substitutions and deletions first: they say how well each line was heard
        if ref is not None and (hyp is None or expected[ref][1] != heard[hyp]):
            errors[expected[ref][0]] += 1
    rate = [e / c if c else 0.0 for e, c in zip(errors, counts)]
    owner = _owners(pairs, [position for position, _ in expected], rate)
    matched: list[list[str]] = [[] for _ in lines]
    for (ref, hyp), position in zip(pairs, owner):
        if hyp is not None and position is not None:
            matched[position].append(heard[hyp])
            errors[position] += ref is None

    report = SpeechReport(model=recognizer.NAME, seconds=0.0, host_wer={})
    for position, line in enumerate(lines):
        wer = errors[position] / counts[position] if counts[position] else 0.0
        unheard = counts[position] >= settings.min_line_words and wer >= settings.unheard_line_wer
        report.lines.append(LineScore(line.index, line.speaker, counts[position], errors[position], round(wer, 3),
                                      " ".join(matched[position]), unheard))
        if unheard:
            report.unheard.append(line.index)
            report.findings.append(f"line {line.index} ({line.speaker}) is unheard: word error rate {wer:.0%}, "
                                   f"the recognizer heard {' '.join(matched[position])[:80]!r}")
    for host in dict.fromkeys(line.speaker for line in lines):
        total = sum(c for c, line in zip(counts, lines) if line.speaker == host)
        wrong = sum(e for e, line in zip(errors, lines) if line.speaker == host)
        wer = wrong / total if total else 0.0
        report.host_wer[host] = round(wer, 3)
        if wer > settings.max_host_wer:
            report.findings.append(f"host {host}: word error rate {wer:.0%} over the episode, "
                                   f"above the limit {settings.max_host_wer:.0%}")
    return report


def _owners(pairs: list[tuple[int | None, int | None]], line_of: list[int], rate: list[float]) -> list[int | None]:
    """The line each aligned pair belongs to: a script word's own line; an extra word, the line around it,
    or at a boundary between two lines the one with the higher error rate (the earlier on a tie)."""
    before: list[int | None] = []
    current = None
    for ref, _ in pairs:
        current = line_of[ref] if ref is not None else current
        before.append(current)
    after: list[int | None] = []
    current = None
    for ref, _ in reversed(pairs):
        current = line_of[ref] if ref is not None else current
        after.append(current)
    after.reverse()
    owners = []
    for (ref, _), previous, following in zip(pairs, before, after):
        if ref is not None:
            owners.append(line_of[ref])
        elif previous is None or following is None:
            owners.append(following if previous is None else previous)
        else:
            owners.append(following if rate[following] > rate[previous] else previous)
    return owners


def words(text: str, language: str) -> list[str]:
    """The words as said, for comparing: numbers written out, lower case, no punctuation."""
    said = reading.spoken(text, language).lower().replace("’", "'")
    return re.findall(r"[^\W_]+", said.replace("'", ""))


def align(ref: list[str], hyp: list[str]) -> list[tuple[int | None, int | None]]:
    """A minimal edit-distance alignment: pairs (ref index, hyp index), None for a deletion or insertion."""
    n, m = len(ref), len(hyp)
    # cost[i][j]: edits from ref[:i] to hyp[:j]; rows kept for the trace back.
    cost = [list(range(m + 1))]
    for i in range(1, n + 1):
        previous, row = cost[-1], [i] + [0] * m
        word = ref[i - 1]
        for j in range(1, m + 1):
            row[j] = min(previous[j - 1] + (word != hyp[j - 1]), previous[j] + 1, row[j - 1] + 1)
        cost.append(row)
    pairs = []
    i, j = n, m
    while i or j:
        if i and j and cost[i][j] == cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    return pairs[::-1]
