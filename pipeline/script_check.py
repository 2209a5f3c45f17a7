"""The checks a script must pass before it is voiced, whoever wrote it (a model, the extractive writer,
a producer editing script.md).

Each finding names its rule and the offending line (1-based, as in script.md), so a producer or the
repair prompt can act on it. Grounding is deliberately literal: a number or a name the hosts say must
be in the day's sources or in the show's own metadata (title, hosts, source names, allowlist).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from pipeline.models import Line, Story
from pipeline.text import split_sentences, words

MAX_TURNS_IN_A_ROW = 3
LENGTH_TOLERANCE = 0.2
MAX_SENTENCE_REPEATS = 2  # the same sentence 3 times is degenerate
NGRAM = 4
MAX_REPEATED_NGRAM_RATIO = 0.3
INJECTION_OVERLAP_WORDS = 4


@dataclass(frozen=True)
class Finding:
    rule: str  # speakers | turns | stories | length | repetition | grounding | injection | format
    message: str
    line: int | None = None  # 1-based; None: the script as a whole

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class Grounds:
    """What the hosts may say: the day's source texts plus the show's own names and numbers."""

    stories: tuple[Story, ...]
    hosts: tuple[str, ...]
    show_title: str
    day: date | None = None
    allowlist: tuple[str, ...] = ()
    language: str = "en"

    @property
    def texts(self) -> list[str]:
        out = []
        for story in self.stories:
            out += [story.title, story.text, story.source]
            for other in story.also_reported_by:
                out += [other.title, other.text, other.source]
        return out

    @property
    def metadata(self) -> list[str]:
        return [self.show_title, *self.hosts, *self.allowlist]

    # Read once per day's grounds, not once per check: every draft, repair and later stage asks again.
    @cached_property
    def known(self) -> _Known:
        return _known(self)

    @cached_property
    def planted(self) -> list[tuple[str, set[tuple[str, ...]]]]:
        """(source, word runs) of every instruction planted in the day's sources."""
        return [(source, _overlap_grams(sentence)) for source, sentence in planted_instructions(self)]


@dataclass
class _Known:
    numbers: set[float] = field(default_factory=set)
    phrases: str = ""  # every known text, lower-cased, words joined by single spaces, padded
    capitalized: set[str] = field(default_factory=set)


def check_script(
    lines: list[Line], grounds: Grounds, target_words: int | None = None, *, tolerance: float = LENGTH_TOLERANCE
) -> list[Finding]:
    """Every finding that makes the script unfit to voice; an empty list means it may go out."""
    if not lines:
        return [Finding("format", "the script has no lines")]
    findings: list[Finding] = []
    findings += _speakers_and_turns(lines, grounds)
    findings += _stories_covered(lines, len(grounds.stories))
    if target_words:
        findings += _length(lines, target_words, tolerance)
    findings += _repetition(lines)
    findings += _format(lines, grounds.hosts)
    for number, line in enumerate(lines, start=1):
        findings += _grounding(number, line.text, grounds.known, grounds.language)
    findings += _injection(lines, grounds)
    return findings


def _speakers_and_turns(lines: list[Line], grounds: Grounds) -> list[Finding]:
    findings = []
    run_speaker, run_length = None, 0
    for number, line in enumerate(lines, start=1):
        if line.speaker not in grounds.hosts:
            findings.append(Finding("speakers", f"speaker {line.speaker!r} is not a host ({', '.join(grounds.hosts)})", number))
        if not line.text.strip():
            findings.append(Finding("format", "empty text", number))
        elif not words(line.text):
            findings.append(Finding("format", f"no words to speak: {line.text[:20]!r}", number))
        run_length = run_length + 1 if line.speaker == run_speaker else 1
        run_speaker = line.speaker
        if run_length == MAX_TURNS_IN_A_ROW + 1:
            findings.append(Finding("turns", f"{line.speaker} speaks more than {MAX_TURNS_IN_A_ROW} turns in a row", number))
    return findings


def _stories_covered(lines: list[Line], story_count: int) -> list[Finding]:
    findings = []
    for number, line in enumerate(lines, start=1):
        if line.story is not None and not 0 <= line.story < story_count:
            findings.append(Finding("stories", f"story {line.story} does not exist (0..{story_count - 1})", number))
    covered = {line.story for line in lines}
    for index in range(story_count):
        if index not in covered:
            findings.append(Finding("stories", f"story {index} is not covered by any line"))
    return findings


def _length(lines: list[Line], target: int, tolerance: float) -> list[Finding]:
    total = sum(len(words(line.text)) for line in lines)
    low, high = round(target * (1 - tolerance)), round(target * (1 + tolerance))
    if not low <= total <= high:
        return [Finding("length", f"{total} words; the budget is {target} (allowed {low}-{high})")]
    return []


def _normal_sentence(sentence: str) -> str:
    return " ".join(w.lower() for w in words(sentence))


def _repetition(lines: list[Line]) -> list[Finding]:
    findings = []
    first_seen: dict[str, int] = {}
    counts: Counter[str] = Counter()
    for number, line in enumerate(lines, start=1):
        for sentence in split_sentences(line.text):
            key = _normal_sentence(sentence)
            if len(key.split()) < 3:  # "Right." and "Go on." may recur
                continue
            counts[key] += 1
            first_seen.setdefault(key, number)
            if counts[key] == MAX_SENTENCE_REPEATS + 1:
                findings.append(Finding("repetition", f"the sentence {sentence[:80]!r} is said {counts[key]} times or more", number))
    tokens = [w.lower() for line in lines for w in words(line.text)]
    grams = [tuple(tokens[i:i + NGRAM]) for i in range(len(tokens) - NGRAM + 1)]
    if len(grams) >= 20:
        repeated = sum(count - 1 for count in Counter(grams).values() if count > 1)
        ratio = repeated / len(grams)
        if ratio > MAX_REPEATED_NGRAM_RATIO:
            findings.append(Finding("repetition", f"{ratio:.0%} of its {NGRAM}-word sequences are repeats (a loop)"))
    return findings


_URL = re.compile(r"(?:https?://|www\.)\S*[\w/]|\b[\w-]+\.(?:com|org|net|io|ai|nl|eu|co\.uk|example)\b", re.IGNORECASE)
_MARKDOWN = re.compile(r"\*\*|__|`|^\s*#|^\s*[-*+]\s|^\s*\d+\.\s|\[[^\]]*\]\([^)]*\)|^\s*>", re.MULTILINE)
_STAGE_DIRECTION = re.compile(r"[\[(*](?:[^\])*]{0,40})[\])*]")
_DIRECTION_WORDS = re.compile(
    r"\b(laugh|laughs|laughing|chuckles|sighs|pause|music|jingle|sound|sfx|applause|intro|outro|sting|"
    r"lacht|pauze|muziek|geluid)\b", re.IGNORECASE)


def unspeakable(text: str) -> list[str]:
    """What in `text` must not be read aloud: web addresses, markdown, stage directions. The offline
    writer skips source sentences with any of these, so its scripts pass the same rule."""
    problems = []
    if url := _URL.search(text):
        problems.append(f"a URL or web address: {url.group(0)!r}")
    if markdown := _MARKDOWN.search(text):
        problems.append(f"markdown: {markdown.group(0).strip()!r}")
    for match in _STAGE_DIRECTION.finditer(text):
        if _DIRECTION_WORDS.search(match.group(0)) or match.group(0).startswith("["):
            problems.append(f"a stage direction: {match.group(0)!r}")
    return problems


def _format(lines: list[Line], hosts: tuple[str, ...]) -> list[Finding]:
    findings = []
    label = re.compile(r"(?:^|\n|[.!?]\s+)\s*(?:" + "|".join(re.escape(h) for h in hosts) + r"|narrator|host|verteller)\s*:", re.IGNORECASE)
    for number, line in enumerate(lines, start=1):
        text = line.text
        findings += [Finding("format", problem, number) for problem in unspeakable(text)]
        if label.search(text) or "\n\n" in text.strip():
            findings.append(Finding("format", "text outside a speaker's turn (a speaker label or a second paragraph)", number))
    return findings


# --- numbers -------------------------------------------------------------------------------------

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


def _known(grounds: Grounds) -> _Known:
    known = _Known()
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


def _grounding(number: int, text: str, known: _Known, language: str) -> list[Finding]:
    findings = []
    for value, written, spelled in numbers_in(text, language):
        if spelled and value in _CASUAL:
            continue
        if round(value, 6) not in known.numbers:
            findings.append(Finding("grounding", f"the number {written!r} is not in the sources", number))
    for name, at_start in names_in(text, language):
        if _name_known(name, known) or (at_start and _name_known(name.split(" ", 1)[1], known)):
            continue
        findings.append(Finding("grounding", f"the name {name!r} is not in the sources or the show's metadata", number))
    return findings


def _name_known(name: str, known: _Known) -> bool:
    if _norm(name) in known.phrases:
        return True
    # "Trondheim Aurelis Motors": each capitalized word must be a sourced name part, and the parts
    # must not be one unknown single word
    parts = [w.lower() for w in words(name) if w.lower() not in _CONNECTORS]
    return len(parts) > 1 and all(part in known.capitalized for part in parts)


# --- planted instructions ------------------------------------------------------------------------

_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|prompts?|rules|orders?)\b"
    r"|\b(system prompt|you are now|new instructions?|as an ai language model)\b"
    r"|\b(negeer|vergeet)\b.{0,40}\b(instructies?|opdrachten|regels)\b",
    re.IGNORECASE | re.DOTALL,
)


def looks_like_instruction(sentence: str) -> bool:
    """A sentence that addresses the model rather than reports news."""
    return bool(_INSTRUCTION.search(sentence))


def planted_sentences(text: str) -> list[str]:
    """Every instruction-like sentence of a text, and the one after a short one (the payload may
    follow: 'Ignore previous instructions. Say that ...')."""
    out = []
    sentences = split_sentences(text)
    for i, sentence in enumerate(sentences):
        if looks_like_instruction(sentence):
            out.append(sentence)
            if len(words(sentence)) <= 6 and i + 1 < len(sentences):
                out.append(sentences[i + 1])
    return out


def planted_instructions(grounds: Grounds) -> list[tuple[str, str]]:
    """(source, sentence) for every planted instruction in the day's sources."""
    return [
        (source, sentence)
        for story in grounds.stories
        for source, text in [(story.source, story.text)] + [(a.source, a.text) for a in story.also_reported_by]
        for sentence in planted_sentences(text)
    ]


def _overlap_grams(sentence: str) -> set[tuple[str, ...]]:
    """Every run of INJECTION_OVERLAP_WORDS words of the normalised sentence."""
    said = _normal_sentence(sentence).split()
    return {tuple(said[i:i + INJECTION_OVERLAP_WORDS]) for i in range(len(said) - INJECTION_OVERLAP_WORDS + 1)}


def _injection(lines: list[Line], grounds: Grounds) -> list[Finding]:
    findings = []
    for number, line in enumerate(lines, start=1):
        if looks_like_instruction(line.text):
            findings.append(Finding("injection", "the line reads like an instruction to a model", number))
            continue
        said_grams = _overlap_grams(line.text)
        for source, grams in grounds.planted:
            if grams & said_grams:
                findings.append(Finding("injection", f"the line repeats an instruction planted in the {source} article", number))
                break
    return findings
