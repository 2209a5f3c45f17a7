"""Safety: a line must not read like an instruction to a model, nor repeat one planted in a source."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipeline.models import Line
from pipeline.script.checks.finding import Finding
from pipeline.script.checks.structure import normal_sentence
from pipeline.text import split_sentences, words

if TYPE_CHECKING:
    from pipeline.script.checks import Grounds

INJECTION_OVERLAP_WORDS = 4


_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|prompts?|rules|orders?)\b"
    r"|\b(system prompt|you are now|new instructions?|as an ai language model)\b"
    r"|\b(negeer|vergeet)\b.{0,40}\b(instructies?|opdrachten|regels)\b",
    re.IGNORECASE | re.DOTALL,
)


def looks_like_instruction(sentence: str) -> bool:
    """A sentence that addresses the model rather than reports news."""
    return bool(_INSTRUCTION.search(sentence))


def planted_sentences(text: str) -> list[str]:
    """Every instruction-like sentence of a text, and the one after a short one (the payload may
    follow: 'Ignore previous instructions. Say that ...')."""
    out = []
    sentences = split_sentences(text)
    for i, sentence in enumerate(sentences):
        if looks_like_instruction(sentence):
            out.append(sentence)
            if len(words(sentence)) <= 6 and i + 1 < len(sentences):
                out.append(sentences[i + 1])
    return out


def planted_instructions(grounds: Grounds) -> list[tuple[str, str]]:
    """(source, sentence) for every planted instruction in the day's sources."""
    return [
        (source, sentence)
        for story in grounds.stories
        for source, text in [(story.source, story.text)] + [(a.source, a.text) for a in story.also_reported_by]
        for sentence in planted_sentences(text)
    ]


def overlap_grams(sentence: str) -> set[tuple[str, ...]]:
    """Every run of INJECTION_OVERLAP_WORDS words of the normalised sentence."""
    said = normal_sentence(sentence).split()
    return {tuple(said[i:i + INJECTION_OVERLAP_WORDS]) for i in range(len(said) - INJECTION_OVERLAP_WORDS + 1)}


def injection(lines: list[Line], grounds: Grounds) -> list[Finding]:
    findings = []
    for number, line in enumerate(lines, start=1):
        if looks_like_instruction(line.text):
            findings.append(Finding("injection", "the line reads like an instruction to a model", number))
            continue
        said_grams = overlap_grams(line.text)
        for source, grams in grounds.planted:
            if grams & said_grams:
                findings.append(Finding("injection", f"the line repeats an instruction planted in the {source} article", number))
                break
    return findings
