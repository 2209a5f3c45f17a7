"""English as a newsreader says it: the rules, in the order they apply.

Each rule rewrites what it recognises into words and leaves everything else as written. Earlier rules
claim the readings that depend on what follows a number (a currency, a unit, a month), so that the
plain number rule at the end reads only the numbers left over: a 4-digit number from 1100 to 2099
standing alone is a year there, never after a currency or before a unit. The words a rule writes hold
no digits or symbols any rule reads again, so reading a line twice changes nothing.
"""

from __future__ import annotations

import re
from typing import Callable

from pipeline.text.reading import numbers
from pipeline.text.reading.units import CODES, MONEY_SCALES, MONTHS, NOT_AFTER_PER, SYMBOLS, UNITS, Currency

N = numbers.NUMBER
START = r"(?<![\w.,])"  # a number that is not the tail of a word, a decimal or a list like 1,2,3
END = r"(?![\w]|[.,][0-9])"  # ... nor the head of one
SIGNED = r"(?<![^\s(\[{\"“‘'/:=<>~≈])"  # a sign after a space or an opening: "-3" but not "5%-3" nor "RX-3"
SIGNS = {"-": "minus ", "−": "minus ", "+": "plus ", None: ""}
_DETERMINERS = frozenset("the this that these those its their our his her your my each every last next a an same "
                         "whose any fiscal".split())


def _longest_first(words) -> str:
    """A regex alternation that tries "GWh" before "GW" and "US$" before "$"."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_LEADING_SPACE = re.compile(r"\s*")
_NEXT_SENTENCE = re.compile(r"\s+[\"“(]?[A-Z]|\s*$")


def _previous_word(text: str, start: int) -> str:
    match = re.search(r"(\S+)\s+$", text[max(0, start - 40):start])
    return match.group(1).lower() if match else ""


def _the(text: str, start: int) -> str:
    """"the " before a reading like "third quarter", unless a determiner or a possessive is already there."""
    word = _previous_word(text, start)
    if word in _DETERMINERS or re.search(r"\w['’]s?$", word):
        return ""
    # Capital only at the very start: after a full stop a capital could turn "Mr. 4 May" into a title.
    return "the " if _LEADING_SPACE.match(text).end() < start else "The "


def _adjective(text: str, start: int) -> bool:
    """"a €2.4 billion factory", "a 7 km route": the name stays in the singular, as a newsreader says it."""
    return _previous_word(text, start) in ("a", "an")


# -- words and signs ------------------------------------------------------------------------------------------

# Mr., Dr. are titles only before a name (or a name the lexicon says, masked as a private-use character).
_TITLE = r"(?=\s+[A-Z\ue000-\uf8ff\U000f0000-\U0010fffd])"
_ABBREVIATIONS = (  # read last, when what follows them is in its final form
    (r"(?<!\w)e\.g\.?(?!\w)", "for example", False), (r"(?<!\w)i\.e\.?(?!\w)", "that is", False),
    (r"(?<!\w)vs\.?(?!\w)", "versus", False), (r"(?<!\w)approx\.?(?!\w)", "approximately", False),
    (r"(?<!\w)etc\.", "et cetera", True), (r"(?<!\w)Jr\.", "Junior", True), (r"(?<!\w)Sr\.", "Senior", True),
    (r"(?<!\w)Mr\.?" + _TITLE, "Mister", False), (r"(?<!\w)Mrs\.?" + _TITLE, "Missus", False),
    (r"(?<!\w)Ms\.?" + _TITLE, "Miz", False), (r"(?<!\w)Dr\.?" + _TITLE, "Doctor", False),
    (r"(?<!\w)Prof\.?" + _TITLE, "Professor", False),
)
_PREFIXES = (  # read first: they tell how the number after them reads
    (r"(?<!\w)(?:No\.\s?|no\.)(?=[0-9])", "number "), (r"(?<![\w&#])#(?=[0-9])", "number "),
    (r"(?<=\s)&(?=\s)", "and"),
    (r"(?<![\w<>=~])(?:~|≈)\s?(?=[.0-9])", "about "), (r"(?<![\w<>=])(?:<=|≤)\s?(?=[.0-9])", "at most "),
    (r"(?<![\w<>=])(?:>=|≥)\s?(?=[.0-9])", "at least "),
    (r"(?<![\w<>=])<\s?(?=[.0-9])", "less than "), (r"(?<![\w<>=])>\s?(?=[.0-9])", "more than "),
)


def _abbreviation(words: str, may_end_sentence: bool) -> Callable[[re.Match], str]:
    def say(match: re.Match) -> str:
        # "... and so on, etc. The company" keeps the full stop the abbreviation's own dot stood for.
        ends = may_end_sentence and _NEXT_SENTENCE.match(match.string, match.end())
        return words + ("." if ends else "")
    return say


# -- dates and periods ----------------------------------------------------------------------------------------

_SHORT_MONTHS = {f"{month[:4 if month == 'September' else 3]}.": month for month in MONTHS if len(month) > 4}
_MONTH = "|".join((*MONTHS, *map(re.escape, _SHORT_MONTHS)))  # "Nov. 26", as news agencies write it


def _month(written: str) -> str:
    return _SHORT_MONTHS.get(written, written)


def _iso_date(match: re.Match) -> str:
    year, month, day = (int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return match.group(0)
    return f"{MONTHS[month - 1]} {numbers.ordinal(day)}, {numbers.year(year)}"


def _day_month(match: re.Match) -> str:
    day = int(match["day"])
    if not 1 <= day <= 31:
        return match.group(0)
    return f"{_the(match.string, match.start())}{numbers.ordinal(day)} of {_month(match['month'])}"


def _month_day(match: re.Match) -> str:
    day = int(match["day"])
    return f"{_month(match['month'])} {numbers.ordinal(day)}" if 1 <= day <= 31 else match.group(0)


_HALF_AFTER = frozenset("in during by through until since from over its their this last next".split())


def _period(match: re.Match) -> str:
    """Q3 "the third quarter", H1 2026 "the first half of twenty twenty-six"."""
    groups = match.groupdict()
    count, year = int(match["n"]), groups.get("year")
    if match["kind"] == "H":  # H2 is hydrogen too: a half only beside a year, or after "in", "during", ...
        if count > 2 or ("year" in groups and not year):
            return match.group(0)  # without a year, the last rules read it, by the words around it as said
        word = _previous_word(match.string, match.start())
        if not (year or word in _HALF_AFTER or re.search(r"\w['’]s?$", word)):
            return match.group(0)
    words = ("first", "second", "third", "fourth")[count - 1] + (" quarter" if match["kind"] == "Q" else " half")
    if year:
        words += f" of {numbers.year(int(year))}"
    return _the(match.string, match.start()) + words


# -- money ----------------------------------------------------------------------------------------------------

_SCALE = r"(?:\s?(?:thousand|million|billion|trillion)|k|K|m|M|mn|bn|b|B|tn|T)(?!\w)"
_SYMBOL = _longest_first(SYMBOLS)
_CODE = _longest_first(CODES)
_MONEY_BEFORE = re.compile(
    rf"(?:{SIGNED}(?P<sign>[-−])|(?<![\w$€£¥₹]))(?P<currency>{_SYMBOL}|(?:{_CODE})\s?)"
    rf"(?P<a1>{N})(?P<s1>{_SCALE})?"
    rf"(?:\s?[-–]\s?(?:{_SYMBOL}|(?:{_CODE})\s?)?(?P<a2>{N})(?P<s2>{_SCALE})?)?{END}")
_MONEY_AFTER = re.compile(
    rf"(?:{SIGNED}(?P<sign>[-−])|{START})(?P<a1>{N})(?P<s1>{_SCALE})?(?:\s?[-–]\s?(?P<a2>{N})(?P<s2>{_SCALE})?)?"
    rf"\s?(?P<currency>{_CODE}|[€$£¥₹])(?!\w)")


def _scale(written: str | None) -> str:
    return MONEY_SCALES[written.strip()] if written else ""


def _amount(written: str, currency: Currency, singular: bool) -> str | None:
    """$5 "five dollars", $1.50 "one dollar fifty", £0.50 "fifty pence", $2.5 "two point five dollars"."""
    whole, _, cents = written.replace(",", "").partition(".")
    if len(cents) == 2 and currency.minor_many and len(whole) <= numbers.LONGEST:
        units, minor = int(whole or "0"), int(cents)
        if units == 0 and minor:
            return f"{numbers.cardinal(minor)} {currency.minor_one if minor == 1 else currency.minor_many}"
        head = f"{numbers.cardinal(units)} {currency.one if units == 1 or singular else currency.many}"
        if not minor:
            return head
        if minor < 10:
            return f"{head} and {numbers.cardinal(minor)} {currency.minor_one if minor == 1 else currency.minor_many}"
        return f"{head} {numbers.cardinal(minor)}"
    words = numbers.read(written)
    if words is None:
        return None
    return f"{words} {currency.one if written == '1' or singular else currency.many}"


def _money(match: re.Match) -> str:
    written = match["currency"].strip()
    currency = SYMBOLS.get(written) or CODES[written]
    singular = _adjective(match.string, match.start())
    sign = SIGNS[match["sign"]]
    first, scale = numbers.read(match["a1"]), _scale(match["s1"])
    if match["a2"]:  # "$10-12 million" "ten to twelve million dollars"
        second, last = numbers.read(match["a2"]), _scale(match["s2"]) or scale
        if first is None or second is None:
            return match.group(0)
        first += f" {scale}" if scale and scale != last else ""
        tail = f" {last}" if last else ""
        return f"{sign}{first} to {second}{tail} {currency.one if singular else currency.many}"
    if scale:  # "€2.4 billion" "two point four billion euros"
        amount = first and f"{first} {scale} {currency.one if singular else currency.many}"
    else:
        amount = _amount(match["a1"], currency, singular)
    return sign + amount if amount else match.group(0)


# -- units ----------------------------------------------------------------------------------------------------

_UNIT = _longest_first(UNITS)
_UNIT_AFTER_PER = _longest_first(set(UNITS) - NOT_AFTER_PER)
_AFTER_UNIT = r"(?![\w²³])"


def _measure(match: re.Match) -> str:
    """1.3 GWh "one point three gigawatt hours", 1 km "one kilometer", a 7-km route "a seven kilometer route"."""
    unit, written, joined = match["unit"], match["a1"], match["sep"]
    if unit == "s" and not joined and "." not in written:
        return match.group(0)  # 5s, iPhone 5s: not seconds unless written "5 s"
    first = numbers.read(written)
    second = numbers.read(match["a2"]) if match["a2"] else ""
    if first is None or second is None:
        return match.group(0)
    name = UNITS[unit]
    one = (written == "1" and not match["a2"]) or joined == "-" or _adjective(match.string, match.start())
    words = f"{first} to {second}" if match["a2"] else first
    return f"{SIGNS[match['sign']]}{words} {name.one if one else name.many}"


def _per(match: re.Match) -> str:
    return f"{match['head']} per {UNITS[match['unit']].one}"  # "€90/kWh" "€90 per kilowatt hour"


# -- numbers --------------------------------------------------------------------------------------------------

def _decade(match: re.Match) -> str:
    """the 1990s "the nineteen nineties", the '80s "the eighties", in their 20s "in their twenties"."""
    written = match["n"]
    if not written.endswith("0"):
        return match.group(0)
    if len(written) == 2:
        return numbers.plural(numbers.cardinal(int(written))) if written != "00" else match.group(0)
    if match["apostrophe"]:
        return match.group(0)
    return numbers.plural(numbers.year(int(written)))


def _ordinal(match: re.Match) -> str:
    written = match["n"].replace(",", "")
    return numbers.ordinal(int(written)) if len(written) <= 18 else match.group(0)


def _time(match: re.Match) -> str:
    hour, minute = int(match["h"]), int(match["m"])
    if minute == 0:
        return f"{numbers.cardinal(hour)} " + ("o'clock" if hour <= 12 else "hundred")
    return f"{numbers.cardinal(hour)} " + (f"oh {numbers.ONES[minute]}" if minute < 10 else numbers.cardinal(minute))


def _clock(match: re.Match) -> str:
    """9am "nine a.m.", 9:30 p.m. "nine thirty p.m."."""
    minute = int(match["m"] or 0)
    words = numbers.cardinal(int(match["h"]))
    if minute:
        words += " " + (f"oh {numbers.ONES[minute]}" if minute < 10 else numbers.cardinal(minute))
    return f"{words} {match['half']}.m."


_FRACTIONS = {"½": ("one half", "a half"), "¼": ("one quarter", "a quarter"),
              "¾": ("three quarters", "three quarters"), "⅓": ("one third", "a third"),
              "⅔": ("two thirds", "two thirds")}


def _fraction(match: re.Match) -> str:
    alone, after = _FRACTIONS[match["f"]]
    if not match["n"]:
        return alone
    whole = numbers.read(match["n"])
    return f"{whole} and {after}" if whole else match.group(0)


def _version(match: re.Match) -> str:
    parts = match.group(0).split(".")
    if any(len(part) > numbers.LONGEST for part in parts):
        return match.group(0)
    return " point ".join(numbers.read(part) for part in parts)


def _range(match: re.Match) -> str:
    first, second = numbers.read(match["a"], as_year=True), numbers.read(match["b"], as_year=True)
    return f"{first} to {second}" if first and second else match.group(0)


def _suffixed(word: str) -> Callable[[re.Match], str]:
    def say(match: re.Match) -> str:
        words = numbers.read(match["n"])
        return f"{words} {word}" if words else match.group(0)
    return say


def _number(match: re.Match) -> str:
    words = numbers.read(match["n"], as_year=True)
    return SIGNS[match["sign"]] + words if words else match.group(0)


def _rules() -> list[tuple[re.Pattern, Callable[[re.Match], str] | str]]:
    rules: list[tuple[str | re.Pattern, Callable[[re.Match], str] | str]] = list(_PREFIXES)
    rules += [
        (rf"{START}([0-9]{{4}})-([0-9]{{2}})-([0-9]{{2}})(?![\w-]|[.,][0-9])", _iso_date),
        (rf"{START}(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTH})(?!\w)", _day_month),
        (rf"(?<!\w)(?P<month>{_MONTH})\s+(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?(?![\w:]|[.,][0-9])", _month_day),
        (r"(?<![\w'’])(?P<kind>[QH])(?P<n>[1-4])(?!\w)(?:\s+(?P<year>[0-9]{4})(?![\w]|[.,][0-9]))?", _period),
        (rf"(?P<head>[0-9]|(?<![^\W\d_])(?:{_UNIT}))/(?P<unit>{_UNIT}){_AFTER_UNIT}", _per),
        (rf"(?<!\w)per\s+(?P<unit>{_UNIT_AFTER_PER}){_AFTER_UNIT}", lambda m: f"per {UNITS[m['unit']].one}"),
        (_MONEY_BEFORE, _money),
        (_MONEY_AFTER, _money),
        ((rf"(?:{SIGNED}(?P<sign>[-−+])(?=[.0-9])|{START})(?P<a1>{N})"
          rf"(?:(?:\s?(?:{_UNIT}))?\s?[-–]\s?(?P<a2>{N}))?"  # a range: "10-12 GW", "5%-10%"
          rf"(?P<sep>[ \u00a0\u202f]|-|)(?P<unit>{_UNIT}){_AFTER_UNIT}"), _measure),
        (r"(?<![\w.,'’])(?P<apostrophe>['’])?(?P<n>[0-9]{2}|1[1-9][0-9]{2}|20[0-9]{2})['’]?s(?!\w)", _decade),
        (rf"{START}(?P<n>[0-9]{{1,3}}(?:,[0-9]{{3}})+|[0-9]+)(?:st|nd|rd|th)(?!\w)", _ordinal),
        (r"(?<![\w:.,])(?P<h>1[0-2]|0?[1-9])(?::(?P<m>[0-5][0-9]))?\s?(?P<half>[ap])\.?m\.?(?!\w)", _clock),
        (r"(?<![\w:.,])(?P<h>[01]?[0-9]|2[0-3]):(?P<m>[0-5][0-9])(?![\w:]|[.,][0-9])", _time),
        (r"(?<![\w/])24/7(?![\w/])", "twenty-four seven"),
        (r"(?<![\w.,])(?:(?P<n>[0-9]+)\s?)?(?P<f>[½¼¾⅓⅔])", _fraction),
        (rf"{START}(?P<n>{N})\s?[x×](?!\w)", _suffixed("times")),
        (rf"{START}(?P<n>{N})\+(?![\w+])", _suffixed("plus")),
        (rf"{START}[0-9]+(?:\.[0-9]+){{2,}}{END}", _version),
        (rf"(?<![\w.,\-–−])(?P<a>{N})\s?[-–]\s?(?P<b>{N})(?![\w\-–]|[.,][0-9])", _range),
        (rf"(?:{SIGNED}(?P<sign>[-−+])(?=[.0-9])|{START})(?P<n>{N}){END}", _number),
    ]
    rules += [(pattern, _abbreviation(words, ends)) for pattern, words, ends in _ABBREVIATIONS]
    rules.append((r"(?<![\w'’])(?P<kind>H)(?P<n>[12])(?!\w)", _period))  # by the words before it, as said
    return [(re.compile(pattern) if isinstance(pattern, str) else pattern, say) for pattern, say in rules]


RULES = _rules()


def read(text: str) -> str:
    for pattern, say in RULES:
        text = pattern.sub(say, text)
    return text
