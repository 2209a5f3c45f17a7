"""What the voice says for a line of script: its written form read the way a newsreader reads it aloud.

`spoken(text, language, lexicon)` is applied to each line's text just before synthesis, for every
engine; the script and the transcripts keep the written form.

1. The show's pronunciation lexicon first: each written word or phrase (whole words, case-sensitive,
   the longest first) is replaced by how to say it, and nothing below touches the replacement.
2. Then the language's reading rules (digits in any script count as digits):
   - "en" (english.py): money ("€0.41 billion" "zero point four one billion euros", "$1.50" "one
     dollar fifty", "£300m", "USD 3 million", "EUR 40"), units after a number ("1.3 GWh" "one point
     three gigawatt hours", "1 km" "one kilometer", "12%" "twelve percent"), integers ("160,000" "one
     hundred sixty thousand"), decimals digit by digit after "point", ordinals, years ("2026" "twenty
     twenty-six", only 4-digit numbers from 1100 to 2099 standing alone), decades, dates, times, ranges
     ("10-12" "ten to twelve"), minus, versions ("4.2.7"), quarters and halves ("in Q3" "in the third
     quarter", "Q3 2026" "the third quarter of twenty twenty-six") and the abbreviations a newsreader
     expands (e.g., i.e., vs., approx., etc., No. 1, &, Mr., Mrs., Ms., Dr., Prof.). Capitals such as
     CEO, EU or AI stay: voices spell them. Every number is written out, decimals too.
   - "nl" (dutch.py): numbers the Dutch way ("2,4", "160.000"), percentages, money, years, ranges and
     minus; units, ordinals and abbreviations stay as written.
   - any other language: the lexicon only.

Anything the rules do not recognise stays as written ("5G", "C64", "1e9", a 50-digit number): no word is
lost, and the output read again is the same (given a lexicon whose pronunciations are not themselves
entries). It never raises: should a rule fail on some odd line, the line is said with the lexicon only.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from typing import Callable, Iterator

from pipeline.text.reading import dutch, english

log = logging.getLogger(__name__)

READERS: dict[str, Callable[[str], str]] = {"en": english.read, "nl": dutch.read_text}
_PRIVATE_USE = ((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))


def spoken(text: str, language: str = "en", lexicon: dict[str, str] | None = None) -> str:
    """The words the voice should say for `text` in `language` (a show's language, e.g. "en" or "nl")."""
    text = text if isinstance(text, str) else "" if text is None else str(text)
    masked, said = _mask(text, lexicon or {})
    reader = READERS.get(str(language or "").lower().replace("_", "-").split("-")[0])
    if reader is not None:
        try:
            masked = reader(_ascii_digits(masked))
        except Exception as error:  # a bug in a rule must not cost the episode its line
            log.warning("reading rules failed on %r (%s); the line is said as written", text[:80], error)
    return masked.translate(said) if said else masked


def _ascii_digits(text: str) -> str:
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in text)


@functools.lru_cache(maxsize=16)
def _pattern(keys: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(rf"(?<!\w){re.escape(key)}(?!\w)" for key in keys))


def _mask(text: str, lexicon: dict[str, str]) -> tuple[str, dict[int, str]]:
    """Each lexicon match replaced by a private-use character that no rule reads, and what it stands for."""
    entries = {key: value for key, value in lexicon.items() if isinstance(key, str) and key and isinstance(value, str)}
    if not entries or not text:
        return text, {}
    pattern = _pattern(tuple(sorted(entries, key=lambda key: (-len(key), key))))
    free = _unused(text)
    said: dict[int, str] = {}
    by_key: dict[str, str] = {}

    def replace(match: re.Match) -> str:
        key = match.group(0)
        if key not in by_key:
            mark = next(free, None)
            if mark is None:  # the text already holds every private-use character: unmasked, unprotected
                return entries[key]
            by_key[key], said[ord(mark)] = mark, entries[key]
        return by_key[key]

    return pattern.sub(replace, text), said


def _unused(text: str) -> Iterator[str]:
    taken = set(text)
    for first, last in _PRIVATE_USE:
        for code in range(first, last + 1):
            if chr(code) not in taken:
                yield chr(code)
