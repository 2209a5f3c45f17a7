"""One story as an exchange between the two hosts.

The lead host sets it up, naming the outlet; then, fact by fact, one host asks the question the next
fact answers and the other answers it, naming where it comes from. The lead host answers from the
lead article, the other host from the other outlets' coverage (in a story with one source they take
turns); where the outlets' figures differ one host says so; the other host sums the story up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pipeline.models import Line, Story
from pipeline.script.writers.offline.facts import Fact, story_facts
from pipeline.script.writers.offline.phrases import Phrases
from pipeline.script.writers.offline.questions import (
    Accept,
    Difference,
    agreement,
    answer,
    differing,
    echo,
    question,
    tidy,
)
from pipeline.text import split_sentences, word_count, words

MAX_SENTENCE_WORDS = 40
MIN_QUESTIONS = 3  # per story, even past its word budget
MAX_OPENING_USES = 2  # a turn's first three words, across the episode
RECAP_WORDS = 15  # kept back from a story's budget for its recap
MAX_ANSWER_WORDS = 55  # an answer takes a second sentence of the same article only below this
LEAD_SHARE = 1.5  # the lead host answers while they have said at most this many times the other's words
SETUP_WORDS = 20  # a set-up shorter than this takes the article's next sentence too


@dataclass
class Turn:
    speaker: str
    story: int | None
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.parts)


class Show:
    """The episode as it is written: its turns, and the turn openings used so far."""

    def __init__(self, phrases: Phrases, names: set[str]) -> None:
        self.phrases, self.names = phrases, names
        self.turns: list[Turn] = []
        self.done: set[tuple[int, str]] = set()  # (story, beat) said once per story, like "agree"

    def say(self, speaker: str, text: str, story: int | None) -> None:
        """Adds to the current turn when it is the same host on the same story, else starts a turn."""
        last = self.turns[-1] if self.turns else None
        if last is None or last.speaker != speaker or last.story != story:
            last = Turn(speaker, story)
            self.turns.append(last)
        last.parts.append(text)

    def accepts(self, speaker: str, story: int | None) -> Accept:
        """Whether a phrase may be said next by `speaker`: a new turn must not open like two before it."""
        last = self.turns[-1] if self.turns else None
        if last is not None and last.speaker == speaker and last.story == story:
            return speakable
        used = Counter(opening(turn.text) for turn in self.turns)
        return lambda text: used[opening(text)] < MAX_OPENING_USES and speakable(text)

    def words(self, story: int, speaker: str | None = None) -> int:
        return sum(word_count(turn.text) for turn in self.turns
                   if turn.story == story and (speaker is None or turn.speaker == speaker))

    def lines(self) -> list[Line]:
        return [Line(speaker=t.speaker, text=t.text, story=t.story) for t in self.turns if t.parts]


def speakable(text: str) -> bool:
    """No sentence a host says runs over MAX_SENTENCE_WORDS, with the writer's words around it."""
    return all(word_count(sentence) <= MAX_SENTENCE_WORDS for sentence in split_sentences(text))


def opening(text: str) -> str:
    return " ".join(w.lower() for w in words(text)[:3])


def tell(show: Show, story: Story, index: int, lead: str, other: str, budget: int, first: bool) -> None:
    phrases = show.phrases
    facts = [f for f in story_facts(story)]
    lead_facts = [f for f in facts if f.lead] or facts
    others = [f for f in facts if not f.lead and f not in lead_facts]
    setup = _setup(lead_facts, story)
    key, fact = "first_story" if first else "next_story", " ".join(f.text for f in setup)
    show.say(lead, phrases.pick(key, accept=show.accepts(lead, index), source=story.source, fact=fact)
             or phrases.need(key, source=story.source, fact=fact), index)
    said = " ".join(f.text for f in setup).lower()
    said_by = {f.text: lead for f in setup}
    queue = _running_order([f for f in lead_facts if f not in setup], others)
    closers = _closers(queue)  # the outside view and what is not known yet end the story
    queue = [f for f in queue if f not in closers]
    named = {story.source: 0}  # outlet -> the answer count when it was last named
    differences = differing(story)
    asked, answers, last_kind = 0, 0, None
    counted: set[str] = set()  # "count:bridges": what the hosts asked the number of
    previous: Fact | None = None
    while (queue or closers) and (show.words(index) < budget - RECAP_WORDS or asked < MIN_QUESTIONS):
        if closers and (not queue or show.words(index) >= budget - RECAP_WORDS - sum(f.words for f in closers)):
            queue = closers + queue
            closers = []
        due = next((d for d in differences if d.sentence in said_by), None)
        if due is not None:  # right after the figure it differs from
            differences.remove(due)
            sayer = said_by[due.sentence]
            if _differ_beat(show, due, index, sayer, other if sayer == lead else lead):
                asked += 1
                previous, last_kind = None, "outlets"
            continue
        fact = queue.pop(0)
        if fact.quote is not None and not phrases.has("quote_intro"):
            continue  # a quote is only read after its introduction
        # the lead answers from the lead article, the other host from the other outlets, and from the
        # lead article too whenever the lead has said much more of the story: both carry facts
        leading = show.words(index, lead) <= LEAD_SHARE * show.words(index, other)
        answerer = lead if fact.lead and leading else other
        asker = other if answerer == lead else lead
        avoid = counted | ({last_kind.split(":")[0]} if last_kind else set())
        asking = question(fact, phrases, said, avoid, show.accepts(asker, index))
        if asking is None:
            if previous is not None and previous.outlet == fact.outlet and fact.quote is None and _room(show, fact):
                show.say(show.turns[-1].speaker, fact.text, index)  # carries on the answer just given
                said += " " + fact.text.lower()
                said_by[fact.text] = show.turns[-1].speaker
            continue
        last_kind, text = asking
        if last_kind.startswith("count:"):
            counted.add(last_kind)
        reaction = _reaction(show, story, previous, asker, index) if show.turns[-1].speaker != asker else None
        show.say(asker, f"{reaction} {text}" if reaction else text, index)
        asked += 1
        first_time = fact.outlet not in named  # an outlet's first fact names it, whoever else it cites
        name_outlet = first_time or answers - named[fact.outlet] >= 3
        spoken = answer(fact, phrases, show.names, name_outlet, first_time, show.accepts(answerer, index))
        if fact.outlet in spoken or fact.attributed:
            named[fact.outlet] = answers
        show.say(answerer, spoken, index)
        said += " " + fact.text.lower()
        said_by[fact.text] = answerer
        answers += 1
        previous = fact
    recap = phrases.pick("recap", accept=show.accepts(other, index), headline=headline(story.title),
                         outlet=story.source)
    if recap:
        show.say(other, recap, index)


def _setup(lead_facts: list[Fact], story: Story) -> list[Fact]:
    if not lead_facts:
        return [Fact(story.source, headline(story.title) + ".", True)]
    setup = [lead_facts[0]]
    if setup[0].words < SETUP_WORDS and len(lead_facts) > 1 and lead_facts[1].quote is None:
        setup.append(lead_facts[1])
    return setup


def _running_order(lead: list[Fact], others: list[Fact]) -> list[Fact]:
    """The lead article's facts with another outlet's after every second one; facts no question can be
    asked about stay in only as the second sentence of an answer."""
    order, others = [], list(others)
    for number, fact in enumerate(lead, start=1):
        order.append(fact)
        if number % 2 == 0 and others:
            order.append(others.pop(0))
    return order + others


def _closers(queue: list[Fact]) -> list[Fact]:
    """The first outside expert's quote and the first open question: kept for the end of the story."""
    expert = next((f for f in queue if f.kinds[:1] == ("quote_expert",)), None)
    catch = next((f for f in queue if f.kinds[:1] == ("catch",)), None)
    return [f for f in (catch, expert) if f is not None]


def _room(show: Show, fact: Fact) -> bool:
    turn = show.turns[-1]
    return len(split_sentences(turn.text)) < 2 and word_count(turn.text) + fact.words <= MAX_ANSWER_WORDS


def _reaction(show: Show, story: Story, previous: Fact | None, asker: str, index: int) -> str | None:
    """A figure of the answer just given said back, or that other outlets give the same figure."""
    if previous is None or not previous.figures or previous.quote is not None:
        return None
    accept = show.accepts(asker, index)
    said = None
    if (index, "agree") not in show.done:
        said = agreement(previous.figures, story, previous.outlet, show.phrases, accept)
        if said:
            show.done.add((index, "agree"))
    if said is None and len(show.turns) % 2 == 0:
        said = echo(previous.figures, show.phrases, accept)
    return tidy(said) if said else None


def _differ_beat(show: Show, due: Difference, index: int, asker: str, sayer: str) -> bool:
    """The host who gave the figure asks whether the outlets agree; the other says how they differ."""
    asked = show.phrases.pick("ask_outlets", accept=show.accepts(asker, index), b=due.b)
    said = show.phrases.pick("differ", accept=show.accepts(sayer, index), a=due.a, fa=due.fa, b=due.b, fb=due.fb)
    if not asked or not said:
        return False
    show.say(asker, asked, index)
    show.say(sayer, said, index)
    return True


def headline(title: str) -> str:
    """A headline as a spoken phrase: no final punctuation, no separators."""
    for separator in (" | ", " - ", " \u2013 ", " \u2014 "):
        title = title.replace(separator, ": ")
    return title.strip().rstrip(".!?:;,")
