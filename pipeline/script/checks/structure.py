"""Checks of the script's shape: hosts and turns, the stories it covers, repetition, and what cannot be
read aloud (web addresses, markdown, stage directions, speaker labels)."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from pipeline.models import Line
from pipeline.script.checks.finding import Finding
from pipeline.text import split_sentences, words

if TYPE_CHECKING:
    from pipeline.script.checks import Grounds

MAX_TURNS_IN_A_ROW = 3
MAX_SENTENCE_REPEATS = 2  # the same sentence 3 times is degenerate
NGRAM = 4
MAX_REPEATED_NGRAM_RATIO = 0.3


def speakers_and_turns(lines: list[Line], grounds: Grounds) -> list[Finding]:
    findings = []
    run_speaker, run_length = None, 0
    for number, line in enumerate(lines, start=1):
        if line.speaker not in grounds.hosts:
            findings.append(Finding("speakers", f"speaker {line.speaker!r} is not a host ({', '.join(grounds.hosts)})", number))
        if not line.text.strip():
            findings.append(Finding("format", "empty text", number))
        elif not words(line.text):
            findings.append(Finding("format", f"no words to speak: {line.text[:20]!r}", number))
        run_length = run_length + 1 if line.speaker == run_speaker else 1
        run_speaker = line.speaker
        if run_length == MAX_TURNS_IN_A_ROW + 1:
            findings.append(Finding("turns", f"{line.speaker} speaks more than {MAX_TURNS_IN_A_ROW} turns in a row", number))
    return findings


def stories_covered(lines: list[Line], story_count: int) -> list[Finding]:
    findings = []
    for number, line in enumerate(lines, start=1):
        if line.story is not None and not 0 <= line.story < story_count:
            findings.append(Finding("stories", f"story {line.story} does not exist (0..{story_count - 1})", number))
    covered = {line.story for line in lines}
    for index in range(story_count):
        if index not in covered:
            findings.append(Finding("stories", f"story {index} is not covered by any line"))
    return findings


def normal_sentence(sentence: str) -> str:
    return " ".join(w.lower() for w in words(sentence))


def repetition(lines: list[Line]) -> list[Finding]:
    findings = []
    first_seen: dict[str, int] = {}
    counts: Counter[str] = Counter()
    for number, line in enumerate(lines, start=1):
        for sentence in split_sentences(line.text):
            key = normal_sentence(sentence)
            if len(key.split()) < 3:  # "Right." and "Go on." may recur
                continue
            counts[key] += 1
            first_seen.setdefault(key, number)
            if counts[key] == MAX_SENTENCE_REPEATS + 1:
                findings.append(Finding("repetition", f"the sentence {sentence[:80]!r} is said {counts[key]} times or more", number))
    tokens = [w.lower() for line in lines for w in words(line.text)]
    grams = [tuple(tokens[i:i + NGRAM]) for i in range(len(tokens) - NGRAM + 1)]
    if len(grams) >= 20:
        repeated = sum(count - 1 for count in Counter(grams).values() if count > 1)
        ratio = repeated / len(grams)
        if ratio > MAX_REPEATED_NGRAM_RATIO:
            findings.append(Finding("repetition", f"{ratio:.0%} of its {NGRAM}-word sequences are repeats (a loop)"))
    return findings


_URL = re.compile(r"(?:https?://|www\.)\S*[\w/]|\b[\w-]+\.(?:com|org|net|io|ai|nl|eu|co\.uk|example)\b", re.IGNORECASE)
_MARKDOWN = re.compile(r"\*\*|__|`|^\s*#|^\s*[-*+]\s|^\s*\d+\.\s|\[[^\]]*\]\([^)]*\)|^\s*>", re.MULTILINE)
_STAGE_DIRECTION = re.compile(r"[\[(*](?:[^\])*]{0,40})[\])*]")
_DIRECTION_WORDS = re.compile(
    r"\b(laugh|laughs|laughing|chuckles|sighs|pause|music|jingle|sound|sfx|applause|intro|outro|sting|"
    r"lacht|pauze|muziek|geluid)\b", re.IGNORECASE)


def unspeakable(text: str) -> list[str]:
    """What in `text` must not be read aloud: web addresses, markdown, stage directions. The offline
    writer skips source sentences with any of these, so its scripts pass the same rule."""
    problems = []
    if url := _URL.search(text):
        problems.append(f"a URL or web address: {url.group(0)!r}")
    if markdown := _MARKDOWN.search(text):
        problems.append(f"markdown: {markdown.group(0).strip()!r}")
    for match in _STAGE_DIRECTION.finditer(text):
        if _DIRECTION_WORDS.search(match.group(0)) or match.group(0).startswith("["):
            problems.append(f"a stage direction: {match.group(0)!r}")
    return problems


def format_findings(lines: list[Line], hosts: tuple[str, ...]) -> list[Finding]:
    findings = []
    label = re.compile(r"(?:^|\n|[.!?]\s+)\s*(?:" + "|".join(re.escape(h) for h in hosts) + r"|narrator|host|verteller)\s*:", re.IGNORECASE)
    for number, line in enumerate(lines, start=1):
        text = line.text
        findings += [Finding("format", problem, number) for problem in unspeakable(text)]
        if label.search(text) or "\n\n" in text.strip():
            findings.append(Finding("format", "text outside a speaker's turn (a speaker label or a second paragraph)", number))
    return findings
