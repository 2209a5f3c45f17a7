"""Dutch, minimally: numbers as Dutch writes them (160.000, 2,4), percentages, money, years, ranges, minus.

"€2,4 miljard" "twee komma vier miljard euro", "12%" "twaalf procent", "160.000" "honderdzestigduizend",
"2026" "tweeduizend zesentwintig", "1999" "negentienhonderdnegenennegentig", "10-12" "tien tot twaalf".
Units, ordinals and abbreviations are left as written (the lexicon still applies), and so is a number
written the English way ("2.4"), which Dutch would read as a thousands separator.
"""

from __future__ import annotations

import re

ONES = ("nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf",
        "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien")
TENS = ("", "", "twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig", "negentig")
SCALES = ((10 ** 12, "biljoen"), (10 ** 9, "miljard"), (10 ** 6, "miljoen"))
LONGEST = 15  # digits; longer numbers are left as written

NUMBER = r"(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?"
START = r"(?<![\w.,])"
END = r"(?![\w]|[.,][0-9])"
SIGNED = r"(?<![^\s(\[{\"“‘'/:=<>~≈])"  # "-3" but not "5%-3" nor "RX-3"
SIGNS = {"-": "min ", "−": "min ", None: ""}


def _below_hundred(n: int) -> str:
    if n < 20:
        return ONES[n]
    tens, unit = divmod(n, 10)
    if not unit:
        return TENS[tens]
    return ONES[unit] + ("ën" if ONES[unit].endswith("e") else "en") + TENS[tens]  # tweeëntwintig


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    head = "" if not hundreds else "honderd" if hundreds == 1 else ONES[hundreds] + "honderd"
    return head + (_below_hundred(rest) if rest or not head else "")


def _below_million(n: int) -> str:
    thousands, rest = divmod(n, 1000)
    head = "" if not thousands else "duizend" if thousands == 1 else _below_thousand(thousands) + "duizend"
    tail = _below_thousand(rest) if rest or not head else ""
    return f"{head} {tail}".strip()


def cardinal(n: int) -> str:
    if n == 1:
        return "één"  # the number, stressed; "een" is the article
    parts = []
    for size, name in SCALES:
        count, n = divmod(n, size)
        if count:
            parts.append(f"{'één' if count == 1 else cardinal(count)} {name}")
    if n or not parts:
        parts.append(_below_million(n))
    return " ".join(parts)


def read(written: str, as_year: bool = False) -> str | None:
    whole, _, fraction = written.replace(".", "").partition(",")
    if len(whole) > LONGEST or len(fraction) > LONGEST:
        return None
    if as_year and "." not in written and not fraction and len(whole) == 4 and 1100 <= int(whole) <= 2099:
        century, rest = divmod(int(whole), 100)
        if century >= 20:
            return "tweeduizend" + (f" {_below_hundred(rest)}" if rest else "")
        return f"{_below_hundred(century)}honderd{_below_hundred(rest) if rest else ''}"
    words = cardinal(int(whole))
    return f"{words} komma {' '.join(ONES[int(c)] for c in fraction)}" if fraction else words


_CURRENCIES = {"€": "euro", "EUR": "euro", "$": "dollar", "USD": "dollar", "£": "pond", "GBP": "pond", "¥": "yen"}
_SCALE = r"(?:\s?(?:duizend|miljoen|miljard|biljoen)|\s?mln\.?|\s?mld\.?|\s?mrd\.?)(?!\w)"
_SCALE_WORDS = {"mln": "miljoen", "mld": "miljard", "mrd": "miljard"}
_MONEY = re.compile(rf"(?:{SIGNED}(?P<sign>[-−])|(?<![\w$€£¥]))(?P<currency>[€$£¥]|(?:EUR|USD|GBP)\s?)\s?"
                    rf"(?P<n>{NUMBER})(?P<scale>{_SCALE})?{END}")


def _money(match: re.Match) -> str:
    name = _CURRENCIES[match["currency"].strip()]
    written = match["n"]
    if match["scale"]:
        scale = match["scale"].strip().rstrip(".")
        words = read(written)
        return f"{SIGNS[match['sign']]}{words} {_SCALE_WORDS.get(scale, scale)} {name}" if words else match.group(0)
    whole, _, cents = written.replace(".", "").partition(",")
    if len(cents) == 2 and len(whole) <= LONGEST:  # €1,50 "één euro vijftig", €0,50 "vijftig cent"
        units, minor = int(whole), int(cents)
        if not units:
            return f"{SIGNS[match['sign']]}{cardinal(minor)} cent"
        return f"{SIGNS[match['sign']]}{cardinal(units)} {name}" + (f" {cardinal(minor)}" if minor else "")
    words = read(written)
    return f"{SIGNS[match['sign']]}{words} {name}" if words else match.group(0)


def _with(word: str):
    def say(match: re.Match) -> str:
        first = read(match["a"])
        second = read(match["b"]) if match["b"] else ""
        if first is None or second is None:
            return match.group(0)
        return f"{SIGNS[match['sign']]}{first}" + (f" tot {second}" if match["b"] else "") + f" {word}"
    return say


def _range(match: re.Match) -> str:
    first, second = read(match["a"], as_year=True), read(match["b"], as_year=True)
    return f"{first} tot {second}" if first and second else match.group(0)


def _number(match: re.Match) -> str:
    words = read(match["n"], as_year=True)
    return SIGNS[match["sign"]] + words if words else match.group(0)


RULES = [
    (_MONEY, _money),
    (re.compile(rf"(?:{SIGNED}(?P<sign>[-−])|{START})(?P<a>{NUMBER})(?:%?\s?[-–]\s?(?P<b>{NUMBER}))?\s?%"),
     _with("procent")),
    (re.compile(rf"(?<![\w.,\-–−])(?P<a>{NUMBER})\s?[-–]\s?(?P<b>{NUMBER})(?![\w\-–]|[.,][0-9])"), _range),
    (re.compile(rf"(?:{SIGNED}(?P<sign>[-−])(?=[0-9])|{START})(?P<n>{NUMBER}){END}"), _number),
]


def read_text(text: str) -> str:
    for pattern, say in RULES:
        text = pattern.sub(say, text)
    return text
