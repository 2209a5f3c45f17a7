"""The offline writer: Oliver and Shelby talk the day's reporting through, with no model.

It needs no model and no network, so it is always allowed as the last link of the writer chain: the
show goes out even when every LLM is down. Every fact the hosts say is a sentence of the sources (made
speakable: datelines and asides dropped, long sentences split where a clause begins); the questions,
attributions and hand-overs around them come from prompts/<language>/extractive.yaml.
"""

from __future__ import annotations

from datetime import date

from pipeline.models import Line
from pipeline.script.writers.base import ScriptBrief, Writer
from pipeline.script.writers.offline.compose import Show, tell
from pipeline.script.writers.offline.phrases import Phrases
from pipeline.script.writers.offline.speech import COMMON_WORDS
from pipeline.text import split_sentences, word_count, words

MIN_STORY_WORDS = 60


class ExtractiveWriter(Writer):
    name = "extractive"

    def write(self, brief: ScriptBrief) -> list[Line]:
        phrases = Phrases(brief.prompts_dir, brief.language, seed=brief.date_iso)
        day = date.fromisoformat(brief.date_iso)
        lead, co = (host.name for host in brief.hosts)
        names = {
            "show": brief.show_title, "lead": lead, "co": co, "day": day.day,
            "weekday": phrases.calendar("weekdays", day.weekday(), 7),
            "month": phrases.calendar("months", day.month - 1, 12),
        }
        show = Show(phrases, _names(brief))
        show.say(lead, phrases.need("greeting", **names), None)
        show.say(co, phrases.need("greeting_reply", **names), None)
        closing = [(lead, phrases.need("sign_off_lead", **names)), (co, phrases.need("sign_off_co", **names))]
        fixed = sum(word_count(t.text) for t in show.turns) + sum(word_count(text) for _, text in closing)
        stories = brief.stories
        per_story = max(MIN_STORY_WORDS, (brief.target_words - fixed) // max(1, len(stories)))
        for index, story in enumerate(stories):
            presenter, other = (lead, co) if index % 2 == 0 else (co, lead)
            tell(show, story, index, presenter, other, per_story, first=index == 0)
            if index + 1 < len(stories):
                handover = phrases.pick("handover", accept=show.accepts(presenter, None), next=other)
                if handover:
                    show.say(presenter, handover, None)
        for speaker, text in closing:
            show.say(speaker, text, None)
        return show.lines()


def _names(brief: ScriptBrief) -> set[str]:
    """Words the sources write capitalized in mid-sentence (names: never lower-cased), lower-case."""
    found = set()
    for story in brief.stories:
        for text in [story.text] + [a.text for a in story.also_reported_by]:
            for sentence in split_sentences(text):
                found |= {w.lower() for w in words(sentence)[1:] if w[:1].isupper()}
    return found - COMMON_WORDS
