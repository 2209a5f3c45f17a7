"""The offline writer: a dialogue built only from sentences of the sources, joined by phrase templates.

It needs no model and no network, so it is always allowed as the last link of the writer chain: the
show goes out even when every LLM is down. Every factual sentence is quoted from the source text;
the greeting, hand-offs, transitions and sign-off come from prompts/<language>/extractive.yaml.
"""

from __future__ import annotations

import random
from datetime import date

from pipeline.errors import ConfigError
from pipeline.models import Line, Story
from pipeline.script.checks import planted_sentences, unspeakable
from pipeline.script.prompts import load_phrases, render
from pipeline.script.writers.base import ScriptBrief, Writer
from pipeline.text import split_sentences, word_count, words

MIN_SENTENCE_WORDS = 5
MAX_SENTENCE_WORDS = 45
MAX_TURN_WORDS = 40
NEAR_DUPLICATE = 0.6

class ExtractiveWriter(Writer):
    name = "extractive"

    def write(self, brief: ScriptBrief) -> list[Line]:
        phrases = load_phrases(brief.prompts_dir, brief.language, "extractive")
        day = date.fromisoformat(brief.date_iso)
        pick = _Picker(phrases, random.Random(brief.date_iso), where=f"prompts/{brief.language}/extractive.yaml")
        lead, co = (host.name for host in brief.hosts)
        names = dict(
            show=brief.show_title, lead=lead, co=co, day=day.day,
            weekday=_calendar_name(phrases, "weekdays", day.weekday(), 7, pick.where),
            month=_calendar_name(phrases, "months", day.month - 1, 12, pick.where),
        )

        opening = [
            Line(speaker=lead, text=pick("greeting", **names)),
            Line(speaker=co, text=pick("greeting_reply", **names)),
        ]
        closing = [
            Line(speaker=lead, text=pick("sign_off_lead", **names)),
            Line(speaker=co, text=pick("sign_off_co", **names)),
        ]
        fixed_words = sum(word_count(line.text) for line in opening + closing)
        per_story = max(60, (brief.target_words - fixed_words) // max(1, len(brief.stories)))

        lines = list(opening)
        for index, story in enumerate(brief.stories):
            presenter, other = (lead, co) if index % 2 == 0 else (co, lead)
            intro_key = "first_story" if index == 0 else "second_story"
            intro = pick(intro_key, source=story.source, headline=_headline(story.title))
            lines += _story_lines(story, index, presenter, other, intro, per_story, pick)
            if index == 0 and len(brief.stories) > 1:
                lines.append(Line(speaker=other, text=pick("end_of_first_story"), story=0))
        lines += closing
        return _merge_same_speaker(lines)


class _Picker:
    """Picks variants of a phrase reproducibly for a given day, using each once before any repeats."""

    def __init__(self, phrases: dict, rng: random.Random, where: str) -> None:
        self.phrases, self.rng, self.where = phrases, rng, where
        self.decks: dict[str, list[str]] = {}

    def __call__(self, key: str, **variables) -> str:
        variants = self.phrases.get(key)
        if not variants or not isinstance(variants, list):
            raise ConfigError(f"{self.where}: missing phrase list '{key}'")
        deck = self.decks.get(key)
        if not deck:
            deck = self.decks[key] = self.rng.sample(variants, len(variants))
        return render(deck.pop(), f"{self.where}: {key}", **variables)


def _calendar_name(phrases: dict, key: str, index: int, count: int, where: str) -> str:
    names = phrases.get(key)
    if not isinstance(names, list) or len(names) != count:
        raise ConfigError(f"{where}: '{key}' must list {count} names")
    return str(names[index])


def _headline(title: str) -> str:
    return title.strip().rstrip(".!?:;,")


def _usable(sentence: str) -> bool:
    count = word_count(sentence)
    return MIN_SENTENCE_WORDS <= count <= MAX_SENTENCE_WORDS and not unspeakable(sentence)


def _similar(a: set[str], b: set[str]) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= NEAR_DUPLICATE


def _story_sentences(story: Story) -> list[tuple[str | None, str]]:
    """(attribution, sentence) in reading order: the lead article, then other outlets' new facts."""
    chosen: list[tuple[str | None, str]] = []
    seen: list[set[str]] = [set(w.lower() for w in words(story.title))]
    articles = [(None, story.text)] + [(a.source, a.text) for a in story.also_reported_by if a.source != story.source]
    for source, text in articles:
        planted = set(planted_sentences(text))  # instructions to a model are not news: never quoted
        for sentence in split_sentences(text):
            tokens = {w.lower() for w in words(sentence)}
            if not _usable(sentence) or sentence in planted or any(_similar(tokens, other) for other in seen):
                continue
            seen.append(tokens)
            chosen.append((source, sentence))
    return chosen


def _story_lines(story: Story, index: int, presenter: str, other: str, intro: str, budget: int, pick) -> list[Line]:
    sentences = _story_sentences(story)
    speakers = [presenter, other]
    turns: list[list[str]] = [[intro]]
    spent = word_count(intro)
    current_source: str | None = None
    for source, sentence in sentences:
        if spent >= budget:
            break
        turn = turns[-1]
        turn_words = sum(word_count(part) for part in turn)
        new_source = source is not None and source != current_source
        too_long = len(turns) > 1 and turn_words + word_count(sentence) > MAX_TURN_WORDS
        if too_long or new_source or len(turn) >= 3:
            opener = pick("also_reported", source=source) if new_source else _maybe_handoff(pick, len(turns))
            turn = [opener] if opener else []
            turns.append(turn)
        if source is not None:
            current_source = source
        turn.append(sentence)
        spent += word_count(sentence)
    return [
        Line(speaker=speakers[i % 2], text=" ".join(parts), story=index)
        for i, parts in enumerate(turns)
        if parts
    ]


def _maybe_handoff(pick, turn_number: int) -> str | None:
    return pick("handoff") if turn_number % 2 == 1 else None


def _merge_same_speaker(lines: list[Line]) -> list[Line]:
    merged: list[Line] = []
    for line in lines:
        if merged and merged[-1].speaker == line.speaker and merged[-1].story == line.story:
            merged[-1] = Line(speaker=line.speaker, text=f"{merged[-1].text} {line.text}", story=line.story)
        else:
            merged.append(line)
    return merged
