"""What each source sentence holds: its figures, a quote and who said it, and the kinds of question it
answers (an amount, a date, a place, a reason, a consequence, ...).

Facts are the spoken sentences of a story's articles in reading order, the lead article first, each
with the outlet that reported it. Sentences that repeat an earlier one, that cannot be read aloud or
that carry an instruction planted for a model are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.models import Story
from pipeline.script.checks import planted_sentences, unspeakable
from pipeline.script.writers.offline import cues
from pipeline.script.writers.offline.speech import spoken_sentences
from pipeline.text import word_count, words

MIN_FACT_WORDS = 5
NEAR_DUPLICATE = 0.6  # word overlap (Jaccard) above which a sentence repeats one already kept
ECHOED_DUPLICATE = 0.25  # ... or above this when it repeats a figure given already

_NUMBER = r"\d+(?:[.,]\d+)*"
_FIGURE = re.compile(
    rf"(?P<symbol>[€$£])?\s?(?<![\w.,])(?P<number>{_NUMBER})(?![\w])(?:\s+(?P<scale>{'|'.join(sorted(cues.SCALES))})\b)?",
    re.IGNORECASE,
)
_NOT_UNITS = {"and", "or", "to", "of", "the", "a", "an", "in", "on", "at", "by", "for", "from", "with", "more",
              "out", "is", "are", "was", "en", "tot", "van", "de", "het", "op", "met"}
_CONTEXT_SKIP = {"of", "a", "an", "the", "to", "at", "about", "roughly", "some", "around", "nearly", "than", "with",
                 "by", "for", "its", "their", "initial", "annual", "up", "van", "een", "de", "het", "ongeveer"}
_COMPARISON = re.compile(
    r"\b(?:more|less|fewer)\b[^.;]{0,40}?\b(?:than|dan)\b(?!\s+(?:about\s+|ongeveer\s+)?\d)|\b(?:faster|cheaper|better|higher|lower|bigger|smaller|longer|shorter|meer|minder|sneller|"
    r"goedkoper|beter|hoger|lager|groter|kleiner)\b[^.;]{0,40}?\b(?:than|dan)\b|\bcompared\b|\bvergeleken\b",
    re.IGNORECASE)
_HOW_LONG = re.compile(r"\b(?:in|within|under)\s+(?:about\s+|less than\s+)?\d+\s+(?:minutes|hours|seconds)\b|"
                       r"\btakes?\b|\btook\b|\bbinnen\b|\bduurt\b", re.IGNORECASE)
_ENERGY = re.compile(r"watt|wh$", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    value: float
    phrase: str  # as written: "2.4 billion euros", "12 gigawatt-hours"
    unit: str  # "euros", "gigawatt-hours", "" for a bare number
    family: str  # money, energy, or the unit itself
    context: str  # the word before it that says what it counts: "capacity", "cost", "loan"

    @property
    def echoable(self) -> bool:
        """Worth saying back on its own: an amount with a unit ("12 gigawatt-hours", not "12")."""
        return bool(self.unit) and self.unit not in {"euro", "dollar", "pound", "franc"}


@dataclass(frozen=True)
class Quote:
    words: str  # the quoted words, as a spoken sentence in quotation marks
    speaker: str
    role: str = ""  # "chief executive of Norvik Energy"
    setting: str = ""  # "at the opening ceremony"

    @property
    def organisation(self) -> str:
        """The organisation in the speaker's role ("Aurelis Motors" of "head of procurement at Aurelis Motors")."""
        match = re.search(r"\b(?:of|at|from|van|bij)\s+((?:[A-Z][\w'&-]*\s?)+)", self.role)
        return match.group(1).strip() if match else ""

    @property
    def side(self) -> str:
        """insider (speaks for the story's organisation), expert (comments from outside), or voice."""
        role = self.role.lower()
        if any(word in role for word in cues.INSIDER_ROLES):
            return "insider"
        return "expert" if any(word in role for word in cues.EXPERT_ROLES) else "voice"


@dataclass(frozen=True)
class Actor:
    """The named subject of a sentence and what it is or did: "Aurelis Motors" / "is the first customer"."""

    name: str
    predicate: str  # "is the first customer for the Trondheim cells", "discovered the flaw"


@dataclass(frozen=True)
class Fact:
    outlet: str
    text: str
    lead: bool  # from the story's lead article
    figures: tuple[Figure, ...] = ()
    quote: Quote | None = None
    kinds: tuple[str, ...] = ()  # the questions it answers, best first
    actor: Actor | None = None  # a name that does something in it, for "Who ...?"
    tokens: frozenset[str] = field(default_factory=frozenset)

    @property
    def words(self) -> int:
        return word_count(self.text)

    @property
    def attributed(self) -> bool:
        """It names who says so already ("Norvik Energy says", "according to the company")."""
        lowered = {w.lower() for w in words(self.text)}
        return bool(lowered & cues.SAID) or "according to" in self.text.lower() or self.quote is not None


def figures_in(sentence: str) -> tuple[Figure, ...]:
    found = []
    for match in _FIGURE.finditer(sentence):
        number = match.group("number")
        if re.fullmatch(r"(?:19|20)\d\d", number) and not match.group("symbol") and not match.group("scale"):
            continue  # a year is a date, not an amount
        before = re.search(r"([A-Z][\w-]*)[\s-]$", sentence[:match.start("number")])
        if before and before.group(1).lower() not in _NOT_NAMES and not match.group("symbol"):
            continue  # "Meridian 2", "RX-200": part of a name
        value = float(number.replace(",", "")) if re.fullmatch(r"\d{1,3}(?:,\d{3})+", number) else _float(number)
        if value is None:
            continue
        scale = (match.group("scale") or "").lower()
        value *= {"thousand": 1e3, "duizend": 1e3, "million": 1e6, "miljoen": 1e6, "billion": 1e9, "miljard": 1e9,
                  "trillion": 1e12, "biljoen": 1e12}.get(scale, 1)
        unit, end = _unit(sentence, match)
        if match.group("symbol"):
            unit, end = {"€": "euros", "$": "dollars", "£": "pounds"}[match.group("symbol")], match.end("number")
            end = match.end("scale") if match.group("scale") else end
        bare = unit.split(" per ")[0].split(" ")[-1]
        family = "money" if bare in cues.MONEY else "energy" if _ENERGY.search(bare) else bare.rstrip("s")
        phrase = sentence[match.start():end].strip()
        if unit in cues.SINGULAR_UNITS and value != 1 and phrase.endswith(unit.split(" ")[-1]) and unit.isascii():
            phrase, unit = phrase + "s", unit + "s"  # "a 320 megawatt battery": 320 megawatts
        found.append(Figure(value, phrase, unit, family, _context(sentence[:match.start()])))
    return tuple(found)


_UNIT_WORDS = cues.MONEY | cues.SINGULAR_UNITS | {"percent", "procent", "people", "children", "men", "women", "mensen",
                                                  "kinderen", "personen"}
_WORD_AFTER = re.compile(r"[\s-]+(Swiss|[a-z\u00e0-\u00ff][\w\u00e0-\u00ff-]*)")
# Capitalized words that begin a sentence or a phrase, not a name ("The 2.4 billion euro factory").
_NOT_NAMES = {"the", "a", "an", "in", "on", "at", "about", "some", "by", "from", "with", "of", "this", "that", "these",
              "its", "their", "before", "after", "under", "over", "around", "nearly", "almost", "only", "de", "het",
              "een", "ongeveer", "bijna", "met", "van", "voor", "na"}


def _unit(sentence: str, match: re.Match) -> tuple[str, int]:
    """What the number counts, up to two words ending in a plural or a unit ("gigawatt-hours",
    "electric cars", "Swiss francs", "watt-hours per kilogram"); ("", end) for a bare number."""
    end = match.end("scale") if match.group("scale") else match.end("number")
    position, taken = end, []
    for _ in range(2):
        word = _WORD_AFTER.match(sentence, position)
        if not word:
            break
        taken.append((word.group(1).lower(), word.end()))
        position = word.end()
        if taken[-1][0] != "swiss" and (taken[-1][0] in _UNIT_WORDS or taken[-1][0].endswith("s")):
            break
    while taken and not (taken[-1][0] in _UNIT_WORDS or (taken[-1][0].endswith("s") and len(taken[-1][0]) > 3)):
        taken.pop()
    if not taken or taken[0][0] in _NOT_UNITS:
        return "", end
    unit, stop = " ".join(w for w, _ in taken), taken[-1][1]
    per = re.match(r"\s+per\s+([a-z-]+)", sentence[stop:])
    if per:
        unit, stop = f"{unit} per {per.group(1)}", stop + per.end()
    return unit, stop


def _float(number: str) -> float | None:
    try:
        return float(number.replace(",", "."))
    except ValueError:
        return None


def _context(before: str) -> str:
    for word in reversed([w.lower() for w in words(before)][-4:]):
        if word not in _CONTEXT_SKIP:
            return word
    return ""


_QUOTE_FIRST = re.compile(r'^["\u201c](?P<words>.+?)[,.]?["\u201d],?\s+(?P<rest>[^"\u201c\u201d]+?)\.?$')


def quote_in(sentence: str) -> Quote | None:
    """A quote read before its speaker ('"...," said Ingrid Haugland, chief executive of Norvik Energy.')."""
    match = _QUOTE_FIRST.match(sentence.strip())
    if not match:
        return None
    quoted, rest = match.group("words").strip(), match.group("rest").strip()
    first, _, after = rest.partition(" ")
    if first.lower() in cues.SAID:  # said Ingrid Haugland, chief executive ...
        parts = [p.strip() for p in after.split(",")]
    else:  # Ingrid Haugland said / Ingrid Haugland, chief executive ..., said
        head, _, verb = rest.rpartition(" ")
        if verb.lower() not in cues.SAID:
            return None
        parts = [p.strip() for p in head.split(",")]
    speaker = parts[0]
    name = re.sub(r"^(?:[a-z][\w-]*\s){1,3}(?=[A-Z\u00c0-\u017f])", "", speaker)  # "alderman Sanne Mulder"
    if not name or not re.match(r"[A-Z\u00c0-\u017f]", name) or word_count(name) > 5:
        return None
    settings = [p for p in parts[1:] if re.match(r"(?:at|in|on|during|speaking|tijdens|bij|op)\b", p)]
    role = ", ".join(p for p in parts[1:] if p not in settings and p)
    ending = "" if quoted[-1:] in ".!?" else "."
    return Quote(words=f"\u201c{quoted}{ending}\u201d", speaker=speaker, role=role, setting=" ".join(settings))


_NAME = r"(?:[A-Z\u00c0-\u017f][\w'&.\u00c0-\u017f-]*\s){1,4}"
_ACTOR = re.compile(
    rf"^(?:[A-Z][\w-]*-based\s+[a-z]+\s+|The\s+)?(?P<name>{_NAME})(?:,\s[^,]{{3,80}},\s)?"
    r"(?P<verb>is|are|was|were|will be|has become|[a-z]{3,}ed|found|won|built|bought|sold|took|led|became)\s"
    r"(?P<object>(?:(?!\b(?:in|on|at|for|from|with|by|after|to|of|and|as|op|in|voor|met)\b)[^,.;])+)"
)
_COPULAS = ("is", "are", "was", "were", "will be", "has become", "became")


def actor_in(sentence: str) -> Actor | None:
    match = _ACTOR.match(sentence)
    if not match:
        return None
    name, verb, thing = match.group("name").strip(), match.group("verb"), match.group("object").strip()
    if name.split(" ")[0].lower() in _NOT_NAMES:
        return None
    if verb in _COPULAS:  # "is the first customer for the Trondheim cells": the whole predicate
        rest = re.match(r"(?:the|a|an|its|their|de|het|een)\s[^,.;]+", sentence[match.start("object"):])
        if not rest:
            return None
        thing = rest.group(0)
    if not thing or word_count(thing) > 10:
        return None
    return Actor(name=name, predicate=f"{verb} {thing}")


def kinds_of(sentence: str, figures: tuple[Figure, ...], quote: Quote | None,
             actor: Actor | None = None) -> tuple[str, ...]:
    """The questions this sentence answers, the most telling first."""
    if quote is not None:
        return ("quote_" + quote.side,)
    lowered = {w.lower() for w in words(sentence)}
    money = any(f.family == "money" for f in figures)
    kinds = ["who"] if actor else []
    if money and lowered & cues.FUNDING:
        kinds.append("funding")
    if money and lowered & cues.COST:
        kinds.append("cost")
    if money:
        kinds.append("money")
    if lowered & cues.JOBS and any(f.unit.split(" ")[0] in cues.PEOPLE_UNITS or not f.unit for f in figures):
        kinds.append("jobs")
    if lowered & (cues.REASON - {"after", "since", "nadat"}):
        kinds.append("reason")
    elif re.search(r"\b(?:in response to|prompted by|comes after|comes as|naar aanleiding van)\b", sentence):
        kinds.append("why_now")
    if lowered & {"plans", "plan", "expects", "aims", "intends", "verwacht", "wil", "streeft"}:
        kinds.append("plan")
    if cues.BY_WHEN.search(sentence):
        kinds.append("deadline")
    if cues.DATES.search(sentence) and lowered & cues.START:
        kinds.append("when")
    if lowered & cues.CONSEQUENCE:
        kinds.append("consequence")
    if lowered & {"disclose", "declined", "unclear", "risk", "warned", "however", "onduidelijk", "risico"} or \
            re.search(r"\b(?:did|does|do) not\b|\bhas not\b|\bniet bekend\b", sentence):
        kinds.append("catch")
    if lowered & {"rival", "rivals", "competitor", "competitors", "competition", "concurrent", "concurrenten"}:
        kinds.insert(0, "rivals")
    if lowered & {"voted", "vote", "votes", "backed", "majority", "seats", "stemde", "stemden", "meerderheid", "zetels"}:
        kinds.append("vote")
    if _COMPARISON.search(sentence):
        kinds.append("compare")
    if lowered & cues.PLACE:
        kinds.append("where")
    if lowered & cues.HOW:
        kinds.append("how")
    measured = [f for f in figures if f.echoable]
    if any(f.family in cues.DURATIONS for f in measured) and _HOW_LONG.search(sentence):
        kinds.append("duration")
    if any(f.family not in cues.DURATIONS | {"percent", "procent"} for f in measured):
        kinds.append("count" if any(_countable(f) for f in measured) else "size")
    return tuple(dict.fromkeys(kinds))


def _countable(figure: Figure) -> bool:
    """People or things one counts ("40 external testers", "85,000 subscribers"), not a measure."""
    last = figure.unit.split(" per ")[0].split(" ")[-1]
    return figure.family != "money" and last not in cues.MEASURE_UNITS and not _ENERGY.search(last) and "per" not in figure.unit


_OF_STOPS = {"the", "a", "an", "and", "or", "in", "on", "at", "for", "to", "from", "with", "by", "over", "per", "each",
             "their", "its", "de", "het", "een", "en", "op", "voor", "met"}


def counted(figures: tuple[Figure, ...], sentence: str) -> str | None:
    """What the first countable figure counts, for "How many testers?" ("channels of DDR5 memory")."""
    figure = next((f for f in figures if f.echoable and _countable(f)), None)
    if figure is None:
        return None
    things = figure.unit.split(" ")[-1]
    after = sentence[sentence.find(figure.phrase) + len(figure.phrase):]
    of = re.match(r"\s+of\s+((?:[\w.-]+\s?){1,3})", after)
    if of:
        kept = []
        for word in of.group(1).split():
            if word.lower() in _OF_STOPS or not re.fullmatch(r"[\w-]+", word):
                break
            kept.append(word)
        if kept:
            things += " of " + " ".join(kept)
    return things


def group_in(sentence: str) -> str | None:
    """Who a consequence is for, in the sentence's own word: "drivers", "carmakers"."""
    return next((w for w in words(sentence) if w in cues.GROUPS), None)


def story_facts(story: Story) -> list[Fact]:
    """The facts of a story in reading order: the lead article's, then each other outlet's new ones."""
    facts: list[Fact] = []
    seen = [frozenset(w.lower() for w in words(story.title))]
    given: set[tuple[float, str]] = set()
    names: set[str] = set()  # capitalized words so far
    articles = [(story.source, story.text, True)] + [
        (a.source, a.text, False) for a in story.also_reported_by if a.source != story.source]
    for outlet, text, lead in articles:
        planted = set(planted_sentences(text))  # instructions to a model are not news: never quoted
        for sentence in spoken_sentences(text):
            if sentence in planted or any(sentence in p or p in sentence for p in planted) or not _usable(sentence):
                continue
            tokens = frozenset(w.lower() for w in words(sentence))
            figures = figures_in(sentence)
            old = any(f.unit and (f.value, f.family) in given for f in figures)
            limit = ECHOED_DUPLICATE if old else NEAR_DUPLICATE
            if any(_overlap(tokens, other) >= limit for other in seen) or (not lead and _restated(sentence, figures, given, names)):
                continue
            seen.append(tokens)
            names |= _capitalized(sentence)
            given |= {(f.value, f.family) for f in figures}
            quote = quote_in(sentence)
            actor = None if quote else actor_in(sentence)
            facts.append(Fact(outlet, sentence, lead, figures, quote, kinds_of(sentence, figures, quote, actor),
                              actor, tokens))
    return facts


def _capitalized(sentence: str) -> set[str]:
    """The capitalized words past the first, hyphenated ones in parts ("Eindhoven-based": Eindhoven)."""
    return {part for w in words(sentence)[1:] for part in w.split("-") if part[:1].isupper()}


def _restated(sentence: str, figures: tuple[Figure, ...], given: set[tuple[float, str]], names: set[str]) -> bool:
    """Another outlet's sentence whose amounts and names were all given already: the same fact again."""
    measured = [f for f in figures if f.unit]
    return bool(measured) and all((f.value, f.family) in given for f in measured) and _capitalized(sentence) <= names


def all_figures(story: Story) -> dict[str, list[tuple[Figure, str]]]:
    """Every figure each outlet gives (duplicates too): outlet -> [(figure, sentence)]."""
    out: dict[str, list[tuple[Figure, str]]] = {}
    for outlet, text in [(story.source, story.text)] + [(a.source, a.text) for a in story.also_reported_by]:
        planted = set(planted_sentences(text))
        for sentence in spoken_sentences(text):
            if sentence not in planted and _usable(sentence):
                out.setdefault(outlet, []).extend((f, sentence) for f in figures_in(sentence))
    return out


def _usable(sentence: str) -> bool:
    if re.match(r'["\u201c]', sentence) and quote_in(sentence) is None:
        return False  # a quote whose speaker cannot be told first is not read at all
    return (word_count(sentence) >= MIN_FACT_WORDS and not unspeakable(sentence) and "?" not in sentence
            and sentence.count('"') % 2 == 0)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
