"""Named entities in news text: organisations, people, places, products, and how distinctive each is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from pipeline.stories.clustering.figures import Figure, figures
from pipeline.stories.clustering.kinds import kinds as event_kinds
from pipeline.stories.clustering.places import PLACES
from pipeline.stories.clustering.text import (
    _CONNECTORS,
    _GENERIC_ACRONYMS,
    _ROLES,
    _STOP,
    Item,
    clean,
    fold,
    lexicon,
    strip_update,
)
from pipeline.stories.clustering.weights import (
    LEXICAL_NAME_WEIGHT,
    NAME_WEIGHT,
    PLACE_WEIGHT,
)
from pipeline.text import split_sentences

# --- named entities -----------------------------------------------------------------------------------

_TITLE_WORD = re.compile(r"[^\W\d_][\w'-]*")


def _is_title_case(title: str) -> bool:
    words = [w for w in _TITLE_WORD.findall(title)[1:] if len(w) >= 4]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


@lru_cache(maxsize=1 << 16)
def _shape(token: str) -> str:
    letters = [c for c in token if c.isalpha()]
    if not letters:
        return "other"
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return "acronym"
    if letters[0].isupper():
        return "camel" if any(c.isupper() for c in letters[1:]) else "cap"
    return "camel" if any(c.isupper() for c in letters) else "lower"


@lru_cache(maxsize=1 << 16)
def _fold_token(token: str) -> str:
    return fold(token.strip("'"))


def _strip_possessive(token: str) -> str:
    for ending in ("'s", "'"):
        if token.endswith(ending) and len(token) > len(ending) + 1:
            return token[: -len(ending)]
    return token


@dataclass(slots=True)
class _Occurrence:
    word: str      # folded
    shape: str
    ambiguous: bool  # sentence-initial or in a Title Case headline: capitals say nothing
    sentence: int    # 0 = headline, 1 = first sentence, ...


_CAP_TOKEN = r"(?:(?:[A-Z]\.){2,}|(?=[\w'&-]*[A-ZÀ-ÖØ-Þ])[^\W\d_][\w'&]*(?:-[\w'&]+)*)"
_CONNECTOR_RE = "|".join(re.escape(c) for c in sorted(_CONNECTORS, key=len, reverse=True))
_NAME_RUN = re.compile(rf"(?<![\w'&-]){_CAP_TOKEN}(?:\s+(?:(?:{_CONNECTOR_RE})\s+)*{_CAP_TOKEN})*")
_LOWER_WORD = re.compile(r"\b[a-zß-öø-ÿ]+")


def _occurrences(title: str, text: str) -> list[list[_Occurrence]]:
    """Runs of capitalised words (with "of", "van" ... between them), headline first, each as its
    tokens; hyphenated words split into their parts."""
    out = []
    title_case = _is_title_case(title)
    for number, sentence in enumerate([title] + split_sentences(text)):
        for match in _NAME_RUN.finditer(sentence):
            before = sentence[:match.start()]
            initial = (number == 0 and title_case) or not before.strip(" \"'([") or \
                before.rstrip().endswith((":", '"', "(", "-", "'"))
            tokens: list[_Occurrence] = []
            for t_index, raw in enumerate(match.group(0).split()):
                raw = _strip_possessive(raw.replace("\u2019", "'"))
                parts = [raw] if "." in raw or len(raw) <= 5 and raw.count("-") == 1 and raw.isupper() \
                    else raw.split("-")
                for p_index, part in enumerate(parts):
                    if part:
                        ambiguous = (number == 0 and title_case) or (initial and t_index == 0 and p_index == 0)
                        tokens.append(_Occurrence(_fold_token(part), _shape(part), ambiguous, number))
            out.append(tokens)
    return out


@dataclass
class Entity:
    keys: frozenset[str]      # its distinctive words ("helvion"), or its whole name when it has none
    weight: float
    salient: bool             # in the headline or first sentence
    subject: bool             # a distinctive non-place name: may conflict with another item's
    alias: str | None = None  # initials of a name of 3+ words: "eib" for European Investment Bank
    sentence: int = 0         # where it first appears: 0 headline, 1 first sentence, ...


@dataclass
class Features:
    entities: list[Entity]
    keys: frozenset[str]      # every entity key (acronyms included)
    aliases: frozenset[str]
    subjects: frozenset[str]
    figures: list[Figure]
    published: datetime | None
    source: str
    kinds: frozenset[str] = frozenset()  # the kinds of event the headline reports (kinds.py)


class _Batch:
    """Case statistics of the whole batch: how often each word is written lower case or capitalised."""

    def __init__(self, per_item: list[list[list[_Occurrence]]], texts: list[str]):
        self.lower: dict[str, int] = {}
        for text in texts:
            for word in _LOWER_WORD.findall(text):
                word = fold(word)
                self.lower[word] = self.lower.get(word, 0) + 1
        self.cap_mid: dict[str, int] = {}
        for item in per_item:
            for run in item:
                for occ in run:
                    if occ.shape == "lower":
                        continue  # counted above
                    if not occ.ambiguous and occ.shape == "cap":
                        self.cap_mid[occ.word] = self.cap_mid.get(occ.word, 0) + 1
        self.lexicon = lexicon()

    def lexical(self, word: str) -> bool:
        return word in self.lexicon or self.lower.get(word, 0) > self.cap_mid.get(word, 0)

    def role(self, occ: _Occurrence) -> str:
        """key (a distinctive name word), part (a capitalised common word inside a name), or none."""
        word = occ.word
        if occ.shape == "lower" or occ.shape == "other" or word in _STOP or word in _GENERIC_ACRONYMS:
            return "none"
        if occ.shape in ("acronym", "camel"):
            if word in _GENERIC_ACRONYMS or len(word) < 2:
                return "none"
            return "key"
        if word in _ROLES:
            return "none"
        if occ.ambiguous:
            if self.cap_mid.get(word, 0) and self.cap_mid[word] >= self.lower.get(word, 0):
                return "part" if word in self.lexicon else "key"
            return "none" if self.lexical(word) else "key"
        if len(word) == 1:
            return "part"
        return "part" if self.lexical(word) else "key"


def _entities(runs: list[list[_Occurrence]], batch: _Batch) -> tuple[list[Entity], int]:
    found: list[tuple[set[str], int, str, str | None]] = []  # keys, first sentence, kind, alias
    for tokens in runs:
        run: list[tuple[_Occurrence, str]] = []

        def flush():
            while run and run[-1][1] == "conn":
                run.pop()
            if not run:
                return
            capitalised = [o for o, r in run if r in ("key", "part")]
            words = [o.word for o in capitalised]
            distinct = {o.word for o, r in run if r == "key" and o.word not in PLACES}
            alias = "".join(w[0] for w in words) if len(words) >= 3 else None
            salient = run[0][0].sentence  # the sentence it first appears in; made a flag below
            if distinct:
                found.append((distinct, salient, "name", alias))
            elif all(w in PLACES for w in words):
                found.append((set(words), salient, "place", None))
            else:
                found.append(({" ".join(words)}, salient, "lexical", alias))
            run.clear()

        for occ in tokens:
            role = batch.role(occ)
            if role in ("key", "part"):
                run.append((occ, role))
            elif run and occ.shape == "lower" and occ.word in _CONNECTORS:
                run.append((occ, "conn"))
            else:
                flush()
        flush()
    # one entity per name: "Norvane Semiconductors", "Norvane" and "Norvane's" are one
    merged: list[list] = []
    for keys, salient, kind, alias in found:
        for entry in merged:
            if entry[0] & keys and entry[2] == kind:
                entry[0] |= keys
                entry[1] = min(entry[1], salient)
                entry[3] = entry[3] or alias
                break
        else:
            merged.append([set(keys), salient, kind, alias])
    # The lede is the headline and first sentence; when they name no one (a scene-setting opening),
    # the second sentence too.
    lede_end = 1 if any(kind == "name" and first <= 1 for _, first, kind, _ in merged) else 2
    weights = {"name": NAME_WEIGHT, "place": PLACE_WEIGHT, "lexical": LEXICAL_NAME_WEIGHT}
    return [Entity(frozenset(keys), weights[kind], first <= lede_end, subject=kind == "name", alias=alias,
                   sentence=first)
            for keys, first, kind, alias in merged], lede_end


def features(items: list[Item]) -> list[Features]:
    cleaned = [(clean(strip_update(i.title)), clean(i.text)) for i in items]
    occurrences = [_occurrences(title, text) for title, text in cleaned]
    batch = _Batch(occurrences, [f"{title} {text}" for title, text in cleaned])
    out = []
    for (title, text), occ, item in zip(cleaned, occurrences, items):
        ents, lede_end = _entities(occ, batch)
        parts = split_sentences(text)
        head = "\n".join([title] + parts[:lede_end])
        rest = " ".join(parts[lede_end:])
        figs = figures(head, len(head) + 1) + figures(rest, 0)
        seen_figs: dict[tuple[str, float], Figure] = {}
        for f in figs:
            seen_figs.setdefault((f.dim, round(f.log, 3)), f)
        keys = frozenset(k for e in ents for k in e.keys)
        aliases = frozenset(e.alias for e in ents if e.alias)
        subjects = frozenset(k for e in ents if e.subject and e.salient for k in e.keys)
        out.append(Features(ents, keys, aliases, subjects, list(seen_figs.values()), item.published, item.source,
                            event_kinds(title)))
    return out
