"""The checks a script must pass before it is voiced, whoever wrote it (a model, the offline writer,
a producer editing script.md): one entry point, `check_script`, over four kinds of check.

Each finding names its rule and the offending line (1-based, as in script.md), so a producer or the
repair prompt can act on it. Grounding is deliberately literal: a number or a name the hosts say must
be in the day's sources or in the show's own metadata (title, hosts, source names, allowlist).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from pipeline.models import Line, Story
from pipeline.script.checks.finding import Finding
from pipeline.script.checks.grounding import Known, grounding, known_from, names_in, numbers_in
from pipeline.script.checks.length import LENGTH_TOLERANCE, length
from pipeline.script.checks.safety import injection, overlap_grams, planted_instructions, planted_sentences
from pipeline.script.checks.structure import (
    format_findings,
    repetition,
    speakers_and_turns,
    stories_covered,
    unspeakable,
)

__all__ = ["Finding", "Grounds", "check_script", "names_in", "numbers_in", "planted_sentences", "unspeakable"]


@dataclass(frozen=True)
class Grounds:
    """What the hosts may say: the day's source texts plus the show's own names and numbers."""

    stories: tuple[Story, ...]
    hosts: tuple[str, ...]
    show_title: str
    day: date | None = None
    allowlist: tuple[str, ...] = ()
    language: str = "en"

    @property
    def texts(self) -> list[str]:
        out = []
        for story in self.stories:
            out += [story.title, story.text, story.source]
            for other in story.also_reported_by:
                out += [other.title, other.text, other.source]
        return out

    @property
    def metadata(self) -> list[str]:
        return [self.show_title, *self.hosts, *self.allowlist]

    # Read once per day's grounds, not once per check: every draft, repair and later stage asks again.
    @cached_property
    def known(self) -> Known:
        return known_from(self)

    @cached_property
    def planted(self) -> list[tuple[str, set[tuple[str, ...]]]]:
        """(source, word runs) of every instruction planted in the day's sources."""
        return [(source, overlap_grams(sentence)) for source, sentence in planted_instructions(self)]


def check_script(
    lines: list[Line], grounds: Grounds, target_words: int | None = None, *, tolerance: float = LENGTH_TOLERANCE
) -> list[Finding]:
    """Every finding that makes the script unfit to voice; an empty list means it may go out."""
    if not lines:
        return [Finding("format", "the script has no lines")]
    findings: list[Finding] = []
    findings += speakers_and_turns(lines, grounds)
    findings += stories_covered(lines, len(grounds.stories))
    if target_words:
        findings += length(lines, target_words, tolerance)
    findings += repetition(lines)
    findings += format_findings(lines, grounds.hosts)
    for number, line in enumerate(lines, start=1):
        findings += grounding(number, line.text, grounds.known, grounds.language)
    findings += injection(lines, grounds)
    return findings
