"""English number words: cardinals, ordinals, years, decimals and strings of digits (US style, no "and")."""

from __future__ import annotations

import re

ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
SCALES = ("", "thousand", "million", "billion", "trillion", "quadrillion")
LIMIT = 1000 ** len(SCALES)  # from here on a number is read digit by digit
LONGEST = 40  # digits; a longer run of digits is left as written (nobody reads it out)

# A written number: 160,000 / 2400 / 2.4 / .5 (a comma only between groups of three).
NUMBER = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+"

_ORDINALS = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth", "nine": "ninth",
             "twelve": "twelfth"}


def digits(written: str) -> str:
    return " ".join(ONES[int(c)] for c in written)


def _below_thousand(n: int) -> str:
    words = []
    if n >= 100:
        words.append(f"{ONES[n // 100]} hundred")
        n %= 100
    if n >= 20:
        words.append(TENS[n // 10] + (f"-{ONES[n % 10]}" if n % 10 else ""))
    elif n or not words:
        words.append(ONES[n])
    return " ".join(words)


def cardinal(n: int) -> str:
    if n < 0:
        return "minus " + cardinal(-n)
    if n >= LIMIT:
        return digits(str(n))
    parts = []
    for power in reversed(range(len(SCALES))):
        group = n // 1000 ** power % 1000
        if group:
            parts.append(_below_thousand(group) + (f" {SCALES[power]}" if power else ""))
    return " ".join(parts) or "zero"


def ordinal(n: int) -> str:
    head, last = re.fullmatch(r"(.*?)([a-z]+)", cardinal(n)).groups()
    if last in _ORDINALS:
        return head + _ORDINALS[last]
    return head + (last[:-1] + "ieth" if last.endswith("y") else last + "th")


def year(n: int) -> str:
    """1999 "nineteen ninety-nine", 2005 "two thousand five", 2026 "twenty twenty-six", 1900 "nineteen hundred"."""
    century, rest = divmod(n, 100)
    if not 1100 <= n <= 2099 or 2000 <= n < 2010:
        return cardinal(n)
    if rest == 0:
        return f"{cardinal(century)} hundred"
    return f"{cardinal(century)} " + (f"oh {ONES[rest]}" if rest < 10 else cardinal(rest))


def is_year(written: str) -> bool:
    return len(written) == 4 and written.isdigit() and 1100 <= int(written) <= 2099


def read(written: str, as_year: bool = False) -> str | None:
    """Words for a number as NUMBER matches it; None when it is too long to be worth reading out."""
    if as_year and is_year(written):
        return year(int(written))
    whole, _, fraction = written.replace(",", "").partition(".")
    if len(whole) > LONGEST or len(fraction) > LONGEST:
        return None
    if len(whole) > 1 and whole.startswith("0") and "," not in written:
        words = digits(whole)  # 007, an identifier rather than an amount
    else:
        words = cardinal(int(whole)) if whole else ""
    if fraction:
        words = f"{words} point {digits(fraction)}".strip()
    return words


def plural(word: str) -> str:
    """Of a number word ending in a ten, hundred or thousand: "ninety" -> "nineties" (the 1990s)."""
    return word[:-1] + "ies" if word.endswith("y") else word + "s"
