"""The turns of an exchange: the question a fact answers, the answer with its source named, a figure
said back, and where the outlets' figures agree or differ. Every phrase is a variant from the phrase
file; everything factual in it is a piece of a source sentence."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.models import Story
from pipeline.script.writers.offline.facts import (
    Fact,
    Figure,
    all_figures,
    counted,
    group_in,
)
from pipeline.script.writers.offline.phrases import Phrases
from pipeline.script.writers.offline.speech import capitalized, lowered, without_end

Accept = Callable[[str], bool]

_SIMPLE = {"money", "cost", "funding", "jobs", "when", "deadline", "plan", "where", "reason", "why_now", "compare",
           "catch", "how", "size", "duration", "rivals", "vote"}
# Words that say what a figure measures, so "the storage, 1.3 gigawatt-hours" can be said
_MEASURES = {"capacity", "storage", "output", "cost", "price", "power", "budget", "value", "investment", "loan",
             "range", "size", "area", "total", "turnover", "revenue", "fine", "compensation", "damage", "bill",
             "capaciteit", "opslag", "vermogen", "kosten", "prijs", "omzet", "boete", "schade"}


def question(fact: Fact, phrases: Phrases, said: str, avoid: set[str], accept: Accept) -> tuple[str, str] | None:
    """(what is asked, question) for the first kind of question this fact answers that has a variant left
    and is not in `avoid` (the kind asked just before, and what was counted already: "count:bridges")."""
    for kind in fact.kinds:
        asked = _ask(fact, kind, said)
        if asked is None:
            continue
        key, variables = asked
        tag = f"{kind}:{variables['things']}" if kind == "count" else kind
        if kind in avoid or tag in avoid:
            continue
        text = phrases.pick(key, accept=accept, **variables)
        if text:
            return tag, text
    return None


def _ask(fact: Fact, kind: str, said: str) -> tuple[str, dict] | None:
    if kind == "who":
        if fact.actor is None or fact.actor.name.lower() in said:
            return None  # "Who is behind it?" only for a name the listener has not heard yet
        return "ask_who", {"predicate": fact.actor.predicate}
    if kind == "consequence":
        group = group_in(fact.text)
        return ("ask_consequence", {"group": group}) if group else ("ask_practice", {})
    if kind.startswith("quote_"):
        side = kind.removeprefix("quote_")
        org = fact.quote.organisation if fact.quote else ""
        if side == "insider":
            return ("ask_insider", {"org": org}) if org else ("ask_voice", {})
        return f"ask_{side}", {}
    if kind == "count":
        return "ask_count", {"things": counted(fact.figures, fact.text)}
    if kind in _SIMPLE:
        return f"ask_{kind}", {}
    return None


def answer(fact: Fact, phrases: Phrases, names: set[str], name_outlet: bool, force: bool, accept: Accept) -> str:
    """The fact as a host says it: a quote after its introduction, a report with its outlet named."""
    if fact.quote is not None:
        quote = fact.quote
        variables = {"who": quote.speaker, "outlet": fact.outlet, "role": f", {quote.role}," if quote.role else "",
                     "setting": f" {quote.setting}" if quote.setting else ""}
        intro = phrases.pick("quote_intro", accept=accept, **variables) or phrases.need("quote_intro", **variables)
        return f"{capitalized(tidy(intro))} {quote.words}"
    if name_outlet and (force or not fact.attributed):
        def once(text: str) -> bool:
            return accept(text) and not _attributed_twice(text)

        text = phrases.pick("attribution", accept=once, outlet=fact.outlet, fact=fact.text,
                            fact_lc=lowered(fact.text, names), fact_bare=without_end(fact.text))
        if text:
            return tidy(text)
    return fact.text


def _attributed_twice(text: str) -> bool:
    """"... according to Larkspur Labs, according to Circuit Daily": one attribution per sentence."""
    lowered = text.lower()
    return lowered.count("according to") > 1 or len(re.findall(r"\bvolgens\b", lowered)) > 1


def tidy(text: str) -> str:
    """Punctuation where variables met: ", ." and ",:" after an empty part."""
    return re.sub(r",\s*([.:;!?])", r"\1", text)


def echo(figures: tuple[Figure, ...], phrases: Phrases, accept: Accept) -> str | None:
    figure = next((f for f in figures if f.echoable), None)
    return phrases.pick("echo", accept=accept, figure=figure.phrase) if figure else None


def agreement(figures: tuple[Figure, ...], story: Story, outlet: str, phrases: Phrases, accept: Accept) -> str | None:
    """Other outlets give the same figure as the answer just said: say so."""
    by_outlet = all_figures(story)
    for figure in figures:
        if not figure.echoable:
            continue
        same = [name for name, found in by_outlet.items() if name != outlet
                and any(f.value == figure.value and f.family == figure.family for f, _ in found)]
        if same:
            return phrases.pick("agree", accept=accept, outlets=_joined(same, phrases), many=len(same) > 1,
                                figure=figure.phrase)
    return None


@dataclass(frozen=True)
class Difference:
    """Two outlets report one quantity differently: the same measure with another value, or the same
    thing in another unit (megawatts against gigawatt-hours)."""

    a: str
    fa: str
    b: str
    fb: str
    sentence: str  # the lead article's sentence with a's figure: the difference is said after it


MAX_DIFFERENCES = 2  # per story


def differing(story: Story) -> list[Difference]:
    by_outlet = all_figures(story)
    lead = by_outlet.get(story.source, [])
    found_any: list[Difference] = []
    families: set[str] = set()
    for outlet, found in by_outlet.items():
        if outlet == story.source:
            continue
        for g, _ in found:
            for f, f_sentence in lead:
                if f.family != g.family or f.family in families or not f.unit or not g.unit:
                    continue
                if _differ(f, g, lead, found):
                    fb = g.phrase if g.context == f.context else _measured(g)  # "the cost" is said once
                    found_any.append(Difference(story.source, _measured(f), outlet, fb, f_sentence))
                    families.add(f.family)
    return found_any[:MAX_DIFFERENCES]


def _differ(f: Figure, g: Figure, lead: list[tuple[Figure, str]], found: list[tuple[Figure, str]]) -> bool:
    ours = [x for x, _ in lead if x.family == f.family]
    theirs = [x for x, _ in found if x.family == g.family]
    if g.value in {x.value for x, _ in lead} or f.value in {x.value for x, _ in found}:
        return False  # each also gives the other's number, if not with its unit: "from 1,100 to 1,800 people"
    if f.unit == g.unit:  # the same measure, if it says what it measures or is the only one of its unit
        alone = sum(x.unit == f.unit for x in ours) == 1 and sum(x.unit == g.unit for x in theirs) == 1
        return bool(f.context and f.context == g.context) or alone
    return ("per" not in f.unit + g.unit and g.unit not in {x.unit for x in ours}
            and f.unit not in {x.unit for x in theirs})


def _measured(figure: Figure) -> str:
    return f"the {figure.context}, {figure.phrase}" if figure.context in _MEASURES else figure.phrase


def _joined(names: list[str], phrases: Phrases) -> str:
    conjunction = phrases.word("and")
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {conjunction} {names[-1]}"
