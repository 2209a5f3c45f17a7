"""Print made speakable: datelines, bylines and parentheses dropped, long sentences split at clauses.

Only ever removes words or splits a sentence where a clause begins, so every number and name a host
says is still the source's. A sentence that cannot be split short enough is not read at all.
"""

from __future__ import annotations

import re

from pipeline.text import split_sentences, word_count

SPLIT_ABOVE_WORDS = 35  # a sentence longer than this is split where a clause begins
MIN_PART_WORDS = 6  # neither half of a split may be shorter than this
MAX_SPOKEN_WORDS = 37  # what is still too long after splitting is left out (attribution adds a few)

# "AMSTERDAM (Reuters) - ", "TRONDHEIM, Norway — ", "LONDON, Nov 26 (Reuters) -", "Utrecht (ANP) - "
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Z.' ]{2,30}(?:,[^-\u2013\u2014()\n]{1,30})?\s*(?:\([^)\n]{1,30}\))?"
    r"|[A-Z][\w.' ]{1,30}(?:,[^-\u2013\u2014()\n]{1,30})?\s*\([^)\n]{1,30}\))\s*(?:-{1,2}|\u2013|\u2014)\s+"
)
_BYLINE = re.compile(
    r"^\s*\(?(?:by|door|reporting by|additional reporting by|editing by|writing by|compiled by|"
    r"met medewerking van|tekst)\s+[A-Z\u00c0-\u017f][\w\u00c0-\u017f.'-]*(?:\s+[\w\u00c0-\u017f.'-]+){0,6}\s*[;,)]?",
    re.IGNORECASE,
)
_PARENTHESES = re.compile(r"\s*\([^()\n]{0,120}\)")
_DASH_ASIDE = re.compile(r"\s+[\u2013\u2014]\s+[^\u2013\u2014\n]{1,80}?\s+[\u2013\u2014](?=\s)")
_SPACES = re.compile(r"\s+([,.;:!?])|\s{2,}")

# Where a new clause can start on its own: the joining word and what the new sentence begins with.
# (", which" becomes "That": the listener hears it point back, as "which" did.)
_JOINS = {
    ";": "", ", and": "And", ", but": "But", ", so": "So", ", yet": "Yet", ", which": "That",
    ", en": "En", ", maar": "Maar", ", dus": "Dus", ", wat": "Dat",
}
# Clauses a long sentence can end without: ", marking ...", ", where ...", ", which ..."
_TRAILING = re.compile(r",\s+(?:[a-z]+ing|where|which|while|whereas|as|with|including|after|before|waarbij|terwijl|"
                       r"met|nadat|voordat)\b")
_VERB_START = re.compile(r"(?:is|are|was|were|has|have|had|can|could|will|would|may|might|should|must|allows|lets|"
                         r"means|pays|makes|gives|[a-z]+ed|[a-z]+s)\b|(?:is|zijn|was|waren|heeft|kan|zal|wordt)\b")
# After ", and" a clause has a subject: a determiner, a pronoun, a number or a name, never a bare verb.
_SUBJECT_START = re.compile(
    r"(?:the|a|an|its|their|his|her|it|they|he|she|we|this|that|these|those|some|most|many|all|"
    r"de|het|een|ze|zij|hij|we|wij|dat|die|deze)\b|\d|[A-Z\u00c0-\u00de]"
)


def spoken_text(text: str) -> str:
    """A whole article as speech: datelines, bylines and asides in parentheses gone."""
    paragraphs = []
    for paragraph in text.split("\n"):
        paragraph = _DATELINE.sub("", paragraph, count=1)
        if _BYLINE.match(paragraph) and word_count(paragraph) <= 12:
            continue  # "By Anna de Vries", "(Reporting by ...; Editing by ...)"
        paragraph = _PARENTHESES.sub("", paragraph)
        paragraph = _DASH_ASIDE.sub("", paragraph)
        paragraph = _SPACES.sub(lambda m: m.group(1) or " ", paragraph).strip()
        if paragraph:
            paragraphs.append(paragraph)
    return "\n".join(paragraphs)


def spoken_sentences(text: str) -> list[str]:
    """The article's sentences, each short enough to say in one breath (or left out)."""
    out = []
    for sentence in split_sentences(spoken_text(text)):
        out += [part for part in split_long(sentence) if word_count(part) <= MAX_SPOKEN_WORDS]
    return out


def split_long(sentence: str) -> list[str]:
    """Split at the clause boundary that best halves the sentence, again until each part is short."""
    if word_count(sentence) <= SPLIT_ABOVE_WORDS:
        return [sentence]
    best = None
    for join, opener in _JOINS.items():
        for match in re.finditer(re.escape(join) + r"\s+", sentence):
            head, tail = sentence[:match.start()], sentence[match.end():]
            if join in (", which", ", wat") and not _VERB_START.match(tail):
                continue  # "which the company chose": "which" is not the subject, "That" would not do
            if join.startswith(",") and join not in (", which", ", wat") and not _SUBJECT_START.match(tail):
                continue
            if _inside_quote(head) or min(word_count(head), word_count(tail)) < MIN_PART_WORDS:
                continue
            balance = abs(word_count(head) - word_count(tail))
            if best is None or balance < best[0]:
                best = (balance, head, tail, opener)
    if best is None:
        return [_main_clause(sentence)]
    _, head, tail, opener = best
    tail = f"{opener} {tail}" if opener else capitalized(tail)
    return split_long(head.rstrip(",;: ") + ".") + split_long(tail)


def _main_clause(sentence: str) -> str:
    """A long sentence without a place to split, cut before its trailing clause (", replacing diesel
    trains on lines where ..."): less detail, nothing added. Unchanged if there is none to cut."""
    for match in _TRAILING.finditer(sentence):
        head = sentence[:match.start()]
        if word_count(head) >= MIN_PART_WORDS * 2 and not _inside_quote(head) and word_count(head) <= SPLIT_ABOVE_WORDS:
            return head.rstrip(",;: ") + "."
    return sentence


def _inside_quote(head: str) -> bool:
    return (head.count('"') + head.count("\u201c") + head.count("\u201d")) % 2 == 1


# Words that start sentences and are never a name, even where a headline-style source capitalizes them.
COMMON_WORDS = {"the", "a", "an", "in", "on", "at", "about", "some", "by", "from", "with", "of", "this", "that", "these",
                "those", "its", "their", "his", "her", "before", "after", "under", "over", "most", "many", "all", "each",
                "every", "both", "de", "het", "een", "dit", "dat", "deze", "die", "op", "met", "van", "voor", "na"}


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def without_end(sentence: str) -> str:
    """The sentence without its final full stop, to carry on after it (", TechWire reports.")."""
    return sentence.rstrip().rstrip(".")


def lowered(sentence: str, names: set[str]) -> str:
    """The sentence with its first word lower-cased, to follow "According to TechWire," - unless
    that word is a name (`names`: words the sources write capitalized in mid-sentence)."""
    first = sentence.split(" ", 1)[0]
    bare = re.sub(r"['\u2019]s$", "", first.strip("\"'\u201c\u2018,"))
    if not bare or bare.lower() in names or bare.isupper() or not bare[:1].isupper() or bare[:1] in "\"\u201c":
        return sentence
    return sentence[:1].lower() + sentence[1:]


def ends_with_question(text: str) -> bool:
    return text.rstrip().rstrip("\"'\u201d\u2019").endswith("?")
