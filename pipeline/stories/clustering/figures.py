"""Figures in news text, normalised with their units and currencies: "€1.1 billion" = "EUR 1.1 bn"."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from pipeline.stories.clustering.weights import FIGURE_WEIGHTS

# --- figures: numbers with units and currencies --------------------------------------------------------

_NUM = r"(?<![\w.,])(?<![A-Za-z]-)(?P<num>\d{1,3}(?:[,.]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
_MAG_WORDS = {
    "thousand": 1e3, "k": 1e3, "K": 1e3,
    "million": 1e6, "millions": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "M": 1e6, "mio": 1e6, "Mio": 1e6,
    "miljoen": 1e6, "millones": 1e6, "millionen": 1e6,
    "billion": 1e9, "billions": 1e9, "bn": 1e9, "Bn": 1e9, "BN": 1e9, "bln": 1e9, "b": 1e9, "B": 1e9,
    "mld": 1e9, "Mld": 1e9, "mrd": 1e9, "Mrd": 1e9, "miljard": 1e9, "milliard": 1e9, "milliarden": 1e9,
    "trillion": 1e12, "tn": 1e12, "tr": 1e12,
}
_CONTINENTAL_MAGS = {"mld", "Mld", "mrd", "Mrd", "miljard", "miljoen", "mio", "Mio", "milliard", "milliarden",
                     "millionen", "millones"}
_MAG = r"(?P<mag>" + "|".join(sorted((re.escape(k) for k in _MAG_WORDS), key=len, reverse=True)) + r")"
_CURRENCY_SYMBOLS = {"€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "$": "USD", "us$": "USD",
                     "usd": "USD", "dollar": "USD", "dollars": "USD", "£": "GBP", "gbp": "GBP", "pound": "GBP",
                     "pounds": "GBP", "sterling": "GBP", "chf": "CHF", "franc": "CHF", "francs": "CHF",
                     "sek": "SEK", "nok": "NOK", "dkk": "DKK", "kronor": "SEK", "kroner": "NOK", "krone": "NOK",
                     "pln": "PLN", "zloty": "PLN", "¥": "JPY", "jpy": "JPY", "yen": "JPY", "cny": "CNY",
                     "yuan": "CNY", "won": "KRW", "krw": "KRW"}
_CUR_PRE = r"(?P<cur>€|US\$|\$|£|¥|EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|JPY|CNY|KRW)"
_CUR_POST = r"(?P<curword>euros?|dollars?|pounds?(?: sterling)?|francs?|kronor|kroner|krone|zloty|yen|yuan|EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN)"
# unit spelling -> (dimension, factor to the base unit)
_UNITS = {}
for _prefix, _factor in (("", 1), ("kilo", 1e3), ("mega", 1e6), ("giga", 1e9), ("tera", 1e12)):
    _UNITS[f"{_prefix}watts"] = _UNITS[f"{_prefix}watt"] = ("power", _factor)
    for _hour in ("hours", "hour"):
        for _sep in ("-", " "):
            _UNITS[f"{_prefix}watt{_sep}{_hour}"] = ("energy", _factor)
for _abbr, _factor in (("W", 1), ("kW", 1e3), ("MW", 1e6), ("GW", 1e9), ("TW", 1e12)):
    _UNITS[_abbr] = ("power", _factor)
    _UNITS[_abbr + "p"] = ("power", _factor)
    _UNITS[_abbr + "e"] = ("power", _factor)
    _UNITS[_abbr + "h"] = ("energy", _factor)
_UNITS.update({
    "V": ("voltage", 1), "kV": ("voltage", 1e3), "volt": ("voltage", 1), "volts": ("voltage", 1),
    "kilovolt": ("voltage", 1e3), "kilovolts": ("voltage", 1e3),
    "km": ("length", 1e3), "kilometre": ("length", 1e3), "kilometres": ("length", 1e3),
    "kilometer": ("length", 1e3), "kilometers": ("length", 1e3), "mile": ("length", 1609.3),
    "miles": ("length", 1609.3), "metre": ("length", 1), "metres": ("length", 1), "meter": ("length", 1),
    "meters": ("length", 1), "mm": ("length", 1e-3), "millimetre": ("length", 1e-3),
    "millimetres": ("length", 1e-3), "millimeter": ("length", 1e-3), "millimeters": ("length", 1e-3),
    "nm": ("length", 1e-9), "nanometre": ("length", 1e-9), "nanometres": ("length", 1e-9),
    "nanometer": ("length", 1e-9), "nanometers": ("length", 1e-9), "cm": ("length", 1e-2),
    "inch": ("length", 0.0254), "inches": ("length", 0.0254),
    "tonnes": ("mass", 1e3), "tonne": ("mass", 1e3), "tons": ("mass", 1e3), "ton": ("mass", 1e3),
    "kg": ("mass", 1), "kilograms": ("mass", 1), "kilogram": ("mass", 1), "kilos": ("mass", 1),
    "grams": ("mass", 1e-3), "gram": ("mass", 1e-3), "g": ("mass", 1e-3),
    "square metres": ("area", 1), "square meters": ("area", 1), "square-metre": ("area", 1),
    "square-meter": ("area", 1), "m2": ("area", 1), "m²": ("area", 1), "hectares": ("area", 1e4),
    "hectare": ("area", 1e4), "ha": ("area", 1e4), "km2": ("area", 1e6), "km²": ("area", 1e6),
    "square kilometres": ("area", 1e6), "square kilometers": ("area", 1e6),
    "Hz": ("frequency", 1), "kHz": ("frequency", 1e3), "MHz": ("frequency", 1e6), "GHz": ("frequency", 1e9),
    "Nm": ("torque", 1),
    "degrees": ("temperature", 1), "°C": ("temperature", 1), "degrees Celsius": ("temperature", 1),
    "%": ("pct", 1), "per cent": ("pct", 1), "percent": ("pct", 1), "pc": ("pct", 1),
    "percentage points": ("pp", 1), "percentage point": ("pp", 1),
    "hours": ("duration", 1), "hour": ("duration", 1), "hrs": ("duration", 1), "h": ("duration", 1),
    "minutes": ("duration", 1 / 60), "minute": ("duration", 1 / 60), "mins": ("duration", 1 / 60),
    "seconds": ("duration", 1 / 3600), "second": ("duration", 1 / 3600),
    "days": ("duration", 24), "day": ("duration", 24), "weeks": ("duration", 168), "week": ("duration", 168),
    "months": ("duration", 730), "month": ("duration", 730), "years": ("duration", 8766),
    "year": ("duration", 8766),
})
_UNIT = r"(?P<unit>" + "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True)) + r")"
_FIGURE = re.compile(
    rf"(?:{_CUR_PRE}\s?)?{_NUM}(?:\s?-?\s?{_MAG}(?![\w]))?"
    rf"(?:(?:\s?-?\s?){_UNIT}(?![\w])|\s?-?\s?{_CUR_POST}(?![\w]))?")
_WORD_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_WORD_NUMBERS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                      "ninety": 90, "hundred": 100, "a": 1, "an": 1, "half a": 0.5, "a dozen": 12, "dozen": 12})
_WORD_FIGURE = re.compile(
    r"(?<![\w-])(?P<word>half a|a dozen|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")"
    r"(?:[\s-]+(?P<mag>thousand|million|billion|trillion))?"
    r"(?:[\s-]+(?P<unit>" + "|".join(sorted((re.escape(u) for u in _UNITS if len(u) > 3 and u[0].islower()),
                                          key=len, reverse=True)) + r")(?![\w])"
    r"|[\s-]+(?P<curword>euros?|dollars?|pounds?|francs?))?", re.I)
_MONTHS = "january february march april may june july august september october november december".split()
_DATE = re.compile(r"(?<!\d)(?P<day>[0-3]?\d)\s+(?P<month>" + "|".join(m.capitalize() for m in _MONTHS) + r")\b|"
                   r"\b(?P<month2>" + "|".join(m.capitalize() for m in _MONTHS) + r")\s+(?P<day2>[0-3]?\d)(?!\d)")
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s?(?:a\.m\.|p\.m\.|am|pm)\b", re.I)


def _parse_number(raw: str, mag: str | None) -> tuple[float, int] | None:
    """The value of a written number and its significant digits, reading "," and "." by context."""
    digits = raw
    if "," in raw and "." in raw:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        digits = raw.replace(thousands, "").replace(decimal, ".")
    elif "," in raw or "." in raw:
        sep = "," if "," in raw else "."
        groups = raw.split(sep)
        if len(groups) > 2:
            digits = raw.replace(sep, "")
        elif len(groups[1]) == 3 and not (sep == "." and mag and mag not in _CONTINENTAL_MAGS):
            digits = raw.replace(sep, "")  # 220,000 / 1.280 (thousands) but "3.125 billion" stays a decimal
        else:
            digits = raw.replace(sep, ".")  # 1,4 mld / 1.1 bn / 0.4
    try:
        value = float(digits)
    except ValueError:
        return None
    significant = digits.replace(".", "").lstrip("0")
    if "." not in digits:
        significant = significant.rstrip("0")
    return value, max(1, len(significant))


@dataclass(frozen=True)
class Figure:
    dim: str          # "money:EUR", "power", "count", "year", ...
    log: float        # natural log of the value in base units
    digits: int       # significant digits as written
    weight: float
    salient: bool

    def matches(self, other: "Figure") -> bool:
        """Equal, or equal once the more precise figure is rounded to the other's significant digits:
        48,000 ~ "nearly 50,000", 5.1 million ~ "five million", $3.36 bn ~ $3.4 bn; 90 MW !~ 100 MW."""
        if self.dim != other.dim:
            return False
        if abs(self.log - other.log) < 1e-9:
            return True
        rough, fine = (self, other) if self.digits <= other.digits else (other, self)
        if rough.dim == "year" or abs(rough.log - fine.log) > 0.7:
            return False
        value = math.exp(fine.log)
        rounded = round(value, rough.digits - 1 - math.floor(math.log10(value)))
        return abs(math.log(rounded) - rough.log) < 1e-6 if rounded > 0 else False


def _figure(value: float, digits: int, dim: str, exact_int: bool, salient: bool) -> Figure | None:
    if value <= 0:
        return None
    kind = dim.split(":")[0]
    if kind == "count":
        if exact_int and 1900 <= value <= 2100 and digits <= 4:
            dim, weight = "year", FIGURE_WEIGHTS["year"]
        elif value >= 1000:
            weight = 0.8
        elif value >= 100:
            weight = 0.6
        elif value >= 10:
            weight = 0.3
        else:
            return None
    else:
        weight = FIGURE_WEIGHTS.get(kind, 0.8)
    return Figure(dim, math.log(value), digits, weight, salient)


def figures(text: str, salient_chars: int) -> list[Figure]:
    """Every figure in `text`; those starting before `salient_chars` are salient."""
    out: list[Figure] = []
    taken = [(m.start(), m.end()) for m in _CLOCK.finditer(text)]
    for m in _DATE.finditer(text):
        day = int(m.group("day") or m.group("day2"))
        month = _MONTHS.index((m.group("month") or m.group("month2")).lower()) + 1
        if 1 <= day <= 31:
            out.append(Figure("date", math.log(month * 100 + day), 3, FIGURE_WEIGHTS["date"],
                              m.start() < salient_chars))
            taken.append((m.start(), m.end()))

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for m in _FIGURE.finditer(text):
        if not free(m.start("num"), m.end("num")):
            continue
        mag = m.group("mag")
        parsed = _parse_number(m.group("num"), mag)
        if parsed is None:
            continue
        value, digits = parsed
        exact_int = re.fullmatch(r"\d+", m.group("num")) is not None
        if mag:
            value *= _MAG_WORDS[mag]
            exact_int = False
        currency = m.group("cur") or m.group("curword")
        unit = m.group("unit")
        if currency:
            dim = "money:" + _CURRENCY_SYMBOLS.get(currency.lower().split()[0], currency.upper())
        elif unit:
            kind, factor = _UNITS[unit]
            if kind == "mass" and unit == "g" and not mag:
                kind, factor = "count", 1  # "5G" and friends are not grams
            value *= factor
            dim = kind
            exact_int = False
        else:
            dim = "count"
        made = _figure(value, digits, dim, exact_int, m.start() < salient_chars)
        if made:
            out.append(made)
        taken.append((m.start(), m.end()))
    for m in _WORD_FIGURE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        word = m.group("word").lower()
        mag, unit, currency = m.group("mag"), m.group("unit"), m.group("curword")
        if word in ("a", "an") and not mag:
            continue  # "a" alone is an article
        if not (mag or unit or currency):
            continue  # a bare "three" says little
        value = _WORD_NUMBERS[word] * (_MAG_WORDS[mag.lower()] if mag else 1)
        if currency:
            dim = "money:" + _CURRENCY_SYMBOLS[currency.lower()]
        elif unit:
            kind, factor = _UNITS[unit.lower()] if unit.lower() in _UNITS else _UNITS[unit]
            value *= factor
            dim = kind
        else:
            dim = "count"
        written = _WORD_NUMBERS[word]
        digits = 1 if written < 1 else len(str(int(written)).rstrip("0")) or 1
        made = _figure(value, digits, dim, False, m.start() < salient_chars)
        if made:
            out.append(made)
    unique: dict[tuple[str, float], Figure] = {}
    for f in out:
        key = (f.dim, round(f.log, 3))
        if key not in unique or (f.salient and not unique[key].salient):
            unique[key] = f
    return list(unique.values())
