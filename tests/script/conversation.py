"""What makes a script a conversation rather than a read-out, as findings a test can assert empty.

Reusable by any test of any writer: question turns end on their question and the other host answers;
no turn opens with a stock filler, and no opening (first three words) is used more than twice; no
spoken sentence is over 40 words; each host carries at least 35% of the words; no phrase the writer
added (a run of four words that is not in the sources) is said twice.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.models import Line
from pipeline.text import split_sentences, word_count, words

STOCK_FILLERS = ("tell me more", "go on", "okay", "and there's more", "what else do we know", "right.")
MAX_OPENING_USES = 2
MAX_SENTENCE_WORDS = 40
MIN_HOST_SHARE = 0.35
PHRASE_WORDS = 4


def question_turns(lines: list[Line]) -> list[int]:
    return [i for i, line in enumerate(lines) if "?" in line.text]


def conversation_findings(lines: list[Line], hosts: tuple[str, str], sources: list[str], names: list[str] = (),
                          min_questions: int = 6) -> list[str]:
    """`sources`: the day's source texts; `names`: the show's own (title, hosts, outlets), which the
    writer's phrases carry as variables."""
    findings = []
    questions = question_turns(lines)
    if len(questions) < min_questions:
        findings.append(f"{len(questions)} question turns; at least {min_questions} wanted")
    for i in questions:
        text = lines[i].text.rstrip().rstrip("\u201d\"'")
        if not text.endswith("?"):
            findings.append(f"turn {i + 1} asks but does not end on its question: {lines[i].text!r}")
        if i + 1 >= len(lines) or lines[i + 1].speaker == lines[i].speaker:
            findings.append(f"turn {i + 1}'s question is not answered by the other host")
    openings = Counter()
    for i, line in enumerate(lines):
        lowered = line.text.lower()
        if lowered.startswith(STOCK_FILLERS):
            findings.append(f"turn {i + 1} opens with a stock filler: {line.text[:30]!r}")
        openings[" ".join(w.lower() for w in words(line.text)[:3])] += 1
        for sentence in split_sentences(line.text):
            if word_count(sentence) > MAX_SENTENCE_WORDS:
                findings.append(f"turn {i + 1}: a sentence of {word_count(sentence)} words: {sentence[:60]!r}")
    findings += [f"the opening {o!r} is used {n} times" for o, n in openings.items() if n > MAX_OPENING_USES]
    total = sum(word_count(line.text) for line in lines)
    for host in hosts:
        share = sum(word_count(line.text) for line in lines if line.speaker == host) / max(1, total)
        if share < MIN_HOST_SHARE:
            findings.append(f"{host} carries {share:.0%} of the words; at least {MIN_HOST_SHARE:.0%} wanted")
    findings += [f"the writer's phrase {' '.join(p)!r} is said {n} times"
                 for p, n in writer_repeats(lines, sources, names)]
    return findings


def _tokens(text: str, names: list[str] = ()) -> list[str]:
    for name in sorted(names, key=len, reverse=True):  # a name is one slot of a phrase, whichever it is
        text = re.sub(rf"\b{re.escape(name)}\b", "NAME", text)
    return [w.lower() for w in words(re.sub(r"['\u2019]s\b", "", text))]


def writer_repeats(lines: list[Line], sources: list[str], names: list[str] = ()) -> list[tuple[tuple[str, ...], int]]:
    """Runs of PHRASE_WORDS words said more than once that are not in any source text."""
    known = set()
    for text in sources:
        tokens = _tokens(text)
        known |= {tuple(tokens[i:i + PHRASE_WORDS]) for i in range(len(tokens) - PHRASE_WORDS + 1)}
    said = Counter()
    for line in lines:
        for sentence in split_sentences(line.text):
            tokens = _tokens(sentence, names)
            said.update({tuple(tokens[i:i + PHRASE_WORDS]) for i in range(len(tokens) - PHRASE_WORDS + 1)})
    return [(gram, n) for gram, n in said.items() if n > 1 and gram not in known]
