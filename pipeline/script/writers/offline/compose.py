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
LEAD_HEAD_START = 60  # ... plus this many: the set-up and first answers are the lead's
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
    _Story(show, story, index, lead, other).tell(budget, first)


class _Story:
    """One story being told: what has been said in it, by whom, and what is still to say."""

    def __init__(self, show: Show, story: Story, index: int, lead: str, other: str) -> None:
        self.show, self.phrases, self.story, self.index = show, show.phrases, story, index
        self.lead, self.other = lead, other
        facts = story_facts(story)
        self.lead_facts = [f for f in facts if f.lead] or facts
        self.others = [f for f in facts if not f.lead and f not in self.lead_facts]
        self.said_by: dict[str, str] = {}  # fact text -> the host who said it
        self.named = {story.source: 0}  # outlet -> the answer count when it was last named
        self.asked = self.answers = 0
        self.last_kind: str | None = None
        self.counted: set[str] = set()  # "count:bridges": what the hosts asked the number of
        self.quoted: set[str] = set()  # who has been quoted in this story
        self.previous: Fact | None = None

    @property
    def spent(self) -> int:
        return self.show.words(self.index)

    @property
    def said(self) -> str:
        return " ".join(self.said_by).lower()

    def tell(self, budget: int, first: bool) -> None:
        setup = _setup(self.lead_facts, self.story)
        key, fact = "first_story" if first else "next_story", " ".join(f.text for f in setup)
        self.say(self.lead, self.phrases.pick(key, accept=self.accepts(self.lead), source=self.story.source, fact=fact)
                 or self.phrases.need(key, source=self.story.source, fact=fact))
        self.said_by.update({f.text: self.lead for f in setup})
        queue = _running_order([f for f in self.lead_facts if f not in setup], self.others)
        closers = _closers(queue)  # the outside view and what is not known yet end the story
        queue = [f for f in queue if f not in closers]
        differences = differing(self.story)
        while (queue or closers) and (self.spent < budget - RECAP_WORDS or self.asked < MIN_QUESTIONS):
            if closers and (not queue or self.spent >= budget - RECAP_WORDS - sum(f.words for f in closers)):
                queue, closers = closers + queue, []
            due = next((d for d in differences if d.sentence in self.said_by), None)
            if due is not None:  # right after the figure it differs from
                differences.remove(due)
                self.differ(due)
                continue
            self.exchange(queue.pop(0))
        recap = self.phrases.pick("recap", accept=self.accepts(self.other), headline=headline(self.story.title),
                                  outlet=self.story.source)
        if recap:
            self.say(self.other, recap)

    def exchange(self, fact: Fact) -> None:
        """One host asks what `fact` answers; the other answers with it, naming where it comes from."""
        if fact.quote is not None and (not self.phrases.has("quote_intro") or fact.quote.speaker in self.quoted):
            return  # a quote is only read after its introduction, and one a story from each person
        if fact.quote is not None:
            self.quoted.add(fact.quote.speaker)
        # the lead answers from the lead article, the other host from the other outlets, and from the
        # lead article too whenever the lead has said much more of the story: both carry facts
        leading = (self.show.words(self.index, self.lead)
                   <= LEAD_SHARE * self.show.words(self.index, self.other) + LEAD_HEAD_START)
        answerer = self.lead if fact.lead and leading else self.other
        asker = self.other if answerer == self.lead else self.lead
        avoid = self.counted | ({self.last_kind.split(":")[0]} if self.last_kind else set())
        asking = question(fact, self.phrases, self.said, avoid, self.accepts(asker))
        if asking is None:
            self.carry_on(fact)
            return
        self.last_kind, text = asking
        if self.last_kind.startswith("count:"):
            self.counted.add(self.last_kind)
        reaction = self.reaction(asker) if self.show.turns[-1].speaker != asker else None
        self.say(asker, f"{reaction} {text}" if reaction else text)
        self.asked += 1
        first_time = fact.outlet not in self.named  # an outlet's first fact names it, whoever else it cites
        name_outlet = first_time or self.answers - self.named[fact.outlet] >= 3
        spoken = answer(fact, self.phrases, self.show.names, name_outlet, first_time, self.accepts(answerer))
        if fact.outlet in spoken or fact.attributed:
            self.named[fact.outlet] = self.answers
        self.say(answerer, spoken)
        self.said_by[fact.text] = answerer
        self.answers += 1
        self.previous = fact

    def carry_on(self, fact: Fact) -> None:
        """A fact no question can be asked about: the second sentence of the answer just given, or left out."""
        turn = self.show.turns[-1]
        if (self.previous is None or self.previous.outlet != fact.outlet or fact.quote is not None
                or len(split_sentences(turn.text)) >= 2 or word_count(turn.text) + fact.words > MAX_ANSWER_WORDS):
            return
        self.say(turn.speaker, fact.text)
        self.said_by[fact.text] = turn.speaker

    def differ(self, due: Difference) -> None:
        """The host who gave the figure asks whether the outlets agree; the other says how they differ."""
        asker = self.said_by[due.sentence]
        sayer = self.other if asker == self.lead else self.lead
        asked = self.phrases.pick("ask_outlets", accept=self.accepts(asker), b=due.b)
        said = self.phrases.pick("differ", accept=self.accepts(sayer), a=due.a, fa=due.fa, b=due.b, fb=due.fb)
        if asked and said:
            self.say(asker, asked)
            self.say(sayer, said)
            self.asked += 1
            self.previous, self.last_kind = None, "outlets"

    def reaction(self, asker: str) -> str | None:
        """A figure of the answer just given said back, or (once a story) that other outlets give it too."""
        previous = self.previous
        if previous is None or not previous.figures or previous.quote is not None:
            return None
        accept = self.accepts(asker)
        said = None
        if (self.index, "agree") not in self.show.done:
            said = agreement(previous.figures, self.story, previous.outlet, self.phrases, accept)
            if said:
                self.show.done.add((self.index, "agree"))
        if said is None and len(self.show.turns) % 2 == 0:
            said = echo(previous.figures, self.phrases, accept)
        return tidy(said) if said else None

    def say(self, speaker: str, text: str) -> None:
        self.show.say(speaker, text, self.index)

    def accepts(self, speaker: str) -> Accept:
        return self.show.accepts(speaker, self.index)


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


def headline(title: str) -> str:
    """A headline as a spoken phrase: no final punctuation, no separators."""
    for separator in (" | ", " - ", " \u2013 ", " \u2014 "):
        title = title.replace(separator, ": ")
    return title.strip().rstrip(".!?:;,")
