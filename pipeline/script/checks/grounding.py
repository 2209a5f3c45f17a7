"""Grounding: every number and name the hosts say must be in the day's sources or the show's metadata.

Deliberately literal: numbers are read as written or spelled out ("a hundred and sixty thousand" is
160,000), names as runs of capitalised words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.script.checks.finding import Finding
from pipeline.text import split_sentences, words

if TYPE_CHECKING:
    from pipeline.script.checks import Grounds


@dataclass
class Known:
    numbers: set[float] = field(default_factory=set)
    phrases: str = ""  # every known text, lower-cased, words joined by single spaces, padded
    capitalized: set[str] = field(default_factory=set)


_UNITS = {
    "en": {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
           "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
           "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90},
    "nl": {"nul": 0, "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
           "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14,
           "vijftien": 15, "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19, "twintig": 20,
           "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70, "tachtig": 80, "negentig": 90},
}
_SCALES = {
    "en": {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12},
    "nl": {"honderd": 100, "duizend": 1_000, "miljoen": 1_000_000, "miljard": 1_000_000_000, "biljoen": 10**12},
}
_POINT = {"en": "point", "nl": "komma"}
_AND = {"en": {"and"}, "nl": set()}
_ARTICLES = {"en": {"a", "an"}}  # "a hundred": one hundred
_ONE = "one"
# Numbers a host says without a source: "one of the two stories". Spelled out only; "2" in digits counts.
_CASUAL = {0, 1, 2}
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def _digits_value(token: str, language: str) -> float | None:
    thousands, decimal = (".", ",") if language == "nl" else (",", ".")
    if re.fullmatch(rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+", token):
        return float(token.replace(thousands, ""))
    try:
        return float(token.replace(thousands, "").replace(decimal, ".") if token.count(decimal) <= 1 else "x")
    except ValueError:
        return None


def _split_dutch(word: str) -> list[str]:
    """Dutch writes 24 as one word, 'vierentwintig'; 2500 as 'tweeduizend vijfhonderd'."""
    units, scales = _UNITS["nl"], _SCALES["nl"]
    if word in units or word in scales:
        return [word]
    for scale in sorted(scales, key=len, reverse=True):
        if word.endswith(scale) and len(word) > len(scale):
            head = _split_dutch(word[: -len(scale)])
            if head:
                return head + [scale]
    for joiner in ("en", "ën"):
        if joiner in word:
            left, _, right = word.partition(joiner)
            if left in units and right in units and units[right] >= 20:
                return [right, left]  # vier-en-twintig: 20 + 4
    for scale in sorted(scales, key=len, reverse=True):
        if word.startswith(scale) and len(word) > len(scale):
            tail = _split_dutch(word[len(scale):])
            if tail:
                return [scale] + tail
    return []


def numbers_in(text: str, language: str = "en") -> list[tuple[float, str, bool]]:
    """(value, as written, spelled out) for every number: '12', '2.4 billion', 'twelve',
    'two point four billion', 'twenty twenty-seven' (a year). Scale words multiply digits too."""
    units, scales, point = _UNITS[language], _SCALES[language], _POINT[language]
    tokens = re.findall(r"\d+(?:[.,]\d+)*|[^\W\d_]+", text.lower().replace("-", " "))
    if language == "nl":
        tokens = [part for token in tokens for part in (_split_dutch(token) or [token])]
    # "a hundred and sixty thousand": the article counts one of the scale.
    tokens = [_ONE if token in _ARTICLES.get(language, ()) and following in scales else token
              for token, following in zip(tokens, tokens[1:] + [""])]
    found: list[tuple[float, str, bool]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if _DIGITS.fullmatch(token):
            value = _digits_value(token, language)
            j = i + 1
            written = token
            while j < len(tokens) and tokens[j] in scales:
                value = (value or 0) * scales[tokens[j]]
                written += " " + tokens[j]
                j += 1
            if value is not None:
                found.append((value, written, False))
            i = j
            continue
        if token in units:
            j, groups, current, total, decimals, spelled = i, [], 0.0, 0.0, "", []
            in_decimals = False
            while j < len(tokens):
                word = tokens[j]
                if in_decimals and word in units and units[word] < 10:
                    decimals += str(units[word])
                elif word in units and not in_decimals:
                    if current and current % 100 and units[word] >= 10 and not total and not groups:
                        groups.append(current)  # "twenty twenty" ... a year said in two halves
                        current = 0
                    current += units[word]
                elif word in scales and not in_decimals and (current or total):
                    if scales[word] == 100:
                        current *= 100
                    else:
                        total += current * scales[word]
                        current = 0
                elif word == point and not in_decimals and j + 1 < len(tokens) and tokens[j + 1] in units:
                    in_decimals = True
                elif word in _AND[language] and j + 1 < len(tokens) and tokens[j + 1] in units and (current or total):
                    pass
                elif in_decimals and word in scales:
                    base = float(f"{int(current)}.{decimals or 0}")
                    total, current, decimals, in_decimals = total + base * scales[word], 0, "", False
                    spelled.append(word)
                    j += 1
                    break
                else:
                    break
                spelled.append(word)
                j += 1
            value = total + (float(f"{int(current)}.{decimals}") if decimals else current)
            if groups:
                value = groups[0] * 100 + value
            found.append((value, " ".join(spelled), True))
            i = j
            continue
        i += 1
    return found


def _variants(value: float) -> set[float]:
    """A sourced number may be said rounded or without its scale word ('2.4' for '2.4 billion')."""
    out = {round(value, 6)}
    for scale in (1_000, 1_000_000, 1_000_000_000):
        if value >= scale and value % (scale / 100) == 0:
            out.add(round(value / scale, 6))
    return out


# --- names ---------------------------------------------------------------------------------------

_NOT_NAMES = {
    "en": {"i", "i'm", "i've", "i'd", "i'll", "ai", "ok", "okay", "mr", "mrs", "ms", "dr", "monday", "tuesday",
           "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april",
           "may", "june", "july", "august", "september", "october", "november", "december", "the", "and",
           "but", "so", "well", "yes", "no", "oh", "hi", "hello", "thanks", "right", "wow", "good", "and"},
    "nl": {"ik", "ai", "oké", "ok", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag",
           "zondag", "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december", "de", "het", "een", "en", "ja", "nee", "goedemorgen", "hoi"},
}
_CAPITALIZED = re.compile(r"^[A-Z\u00c0-\u00de][\w'\u2019&.-]*$")
_CONNECTORS = {"of", "de", "van", "der", "den", "la", "le", "du", "von", "&", "and"}


def names_in(text: str, language: str = "en") -> list[tuple[str, bool]]:
    """Capitalized names (single words not at a sentence start, and multi-word runs anywhere), each
    with whether it starts its sentence (its first word may then be an ordinary word: "Like Oliver")."""
    stop = _NOT_NAMES.get(language, _NOT_NAMES["en"])
    found = []
    for sentence in split_sentences(text):
        parts = re.split(r"(?<=[,;:!?\"\u201c\u201d()])\s*|\s+", sentence)
        tokens = [p.strip("\"'\u201c\u201d\u2018\u2019()[],;:!?.") for p in parts]
        tokens = [t for t in tokens if t]
        run: list[str] = []
        run_start = 0

        def close():
            nonlocal run
            while run and run[-1].lower() in _CONNECTORS:
                run.pop()
            if run:
                at_start = run_start == 0
                if len(run) > 1 or not at_start:
                    found.append((" ".join(run), at_start))
            run = []

        for position, token in enumerate(tokens):
            bare = re.sub(r"['\u2019]s$", "", token)
            if "-" in bare:  # "AI-stem", "Turin-based": only the capitalized parts can be names
                bare = "-".join(p for p in bare.split("-") if _CAPITALIZED.match(p) and p.lower() not in stop)
            if bare and _CAPITALIZED.match(bare) and bare.lower() not in stop:
                if not run:
                    run_start = position
                run.append(bare)
            elif run and token.lower() in _CONNECTORS:
                run.append(token)
            else:
                close()
        close()
    return found


def _norm(text: str) -> str:
    """Lower-case words between spaces; hyphenated compounds split, so "Lumen" matches "Lumen-1"."""
    text = re.sub(r"['\u2019]s\b", "", text).replace("-", " ")
    return " " + " ".join(w.lower() for w in words(text)) + " "


def known_from(grounds: Grounds) -> Known:
    known = Known()
    everything = grounds.texts + grounds.metadata
    for text in everything:
        for value, _, _ in numbers_in(text, grounds.language):
            known.numbers |= _variants(value)
        for token in words(text.replace("-", " ")):
            if token[:1].isupper():
                known.capitalized.add(re.sub(r"['\u2019]s$", "", token).lower())
    known.phrases = " ".join(_norm(text) for text in everything)
    if grounds.day:
        day = grounds.day
        known.numbers |= {day.day, day.month, day.year, day.year % 100, day.year // 100}
    known.numbers |= {float(len(grounds.stories)), float(len(grounds.hosts))}
    return known


def grounding(number: int, text: str, known: Known, language: str) -> list[Finding]:
    findings = []
    for value, written, spelled in numbers_in(text, language):
        if spelled and value in _CASUAL:
            continue
        if round(value, 6) not in known.numbers:
            findings.append(Finding("grounding", f"the number {written!r} is not in the sources", number))
    for name, at_start in names_in(text, language):
        if name_known(name, known) or (at_start and name_known(name.split(" ", 1)[1], known)):
            continue
        findings.append(Finding("grounding", f"the name {name!r} is not in the sources or the show's metadata", number))
    return findings


def name_known(name: str, known: Known) -> bool:
    if _norm(name) in known.phrases:
        return True
    # "Trondheim Aurelis Motors": each capitalized word must be a sourced name part, and the parts
    # must not be one unknown single word
    parts = [w.lower() for w in words(name) if w.lower() not in _CONNECTORS]
    return len(parts) > 1 and all(part in known.capitalized for part in parts)
