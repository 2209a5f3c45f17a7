"""Plain-text helpers for untrusted text from the web: HTML to text, sentences, words."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK_TAGS = {"p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section"}
_SKIP_TAGS = {"script", "style", "noscript", "template", "iframe", "svg"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self._skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS and self._skip_depth:
            self._skip_depth -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip_depth:
            self.parts.append(data)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
# An entity reference nothing defines (`&lol9;`, left by a feed's DOCTYPE tricks or a broken feed) is
# not text to be read out. Decoded text keeps none that resolve, so what looks like one is dropped:
# with its semicolon anywhere, without one (feedparser's sanitizer strips it) only as a word of its
# own, so "AT&T" and "Q&A" stay.
_UNRESOLVED = re.compile(r"&(?:#[xX]?[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);|(?<![\w&])&[A-Za-z][A-Za-z0-9]*(?![\w;])")


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment: tags, scripts and styles removed, entities decoded (undefined
    ones dropped), control and bidi-override characters dropped, whitespace collapsed (paragraphs kept)."""
    parser = _TextExtractor()
    parser.feed(markup or "")
    parser.close()
    text = html.unescape("".join(parser.parts))
    text = _UNRESOLVED.sub("", _CONTROL.sub("", text))
    paragraphs = [" ".join(p.split()) for p in text.split("\n")]
    return "\n".join(p for p in paragraphs if p)


def one_line(text: str) -> str:
    return " ".join(html_to_text(text).split())


_ABBREVIATIONS = ("Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Inc", "Ltd", "Co", "Corp", "vs", "etc", "e.g", "i.e",
                  "U.S", "U.K", "E.U", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct",
                  "Nov", "Dec", "No", "Gen", "Sen", "Rep", "Jr", "Sr")
_SENTENCE_END = re.compile(r"""(?<=[.!?])["'\u201d\u2019)]*\s+(?=["'\u201c\u2018(]?[A-Z0-9\u00c0-\u024f])""")


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping abbreviations like "Dr." and initials inside a sentence."""
    sentences: list[str] = []
    for paragraph in text.split("\n"):
        start = 0
        for match in _SENTENCE_END.finditer(paragraph):
            candidate = paragraph[start:match.start()].strip()
            last_word = candidate.rstrip("\"'\u201d\u2019)").rsplit(" ", 1)[-1].rstrip(".")
            if last_word in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", last_word):
                continue
            sentences.append(candidate)
            start = match.end()
        tail = paragraph[start:].strip()
        if tail:
            sentences.append(tail)
    return [s for s in sentences if s]


_WORD = re.compile(r"[\w'\u2019-]+", re.UNICODE)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def word_count(text: str) -> int:
    return len(words(text))


def slug(text: str, max_length: int = 60) -> str:
    """A file-name-safe ASCII slug: web text never reaches a path unfiltered."""
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return value[:max_length].strip("-") or "item"
