"""script.md: the script as a producer reads and edits it, and the parser that reads an edit back.

The format (also written into the file's header comment):

    # <title>                       ignored when read back
    <!-- ... -->                    comments are ignored
    ## Opening                      any "##" heading that is not "Story N" starts turns about no story
    **Oliver:** Good morning ...    a turn: the speaker in bold, a colon, the text
    it may wrap onto more lines.    a blank line ends the turn
    ## Story 1: <headline>          turns below are about story 1 (story 0 in script.json)

Any other text outside a turn is an error that names its line in script.md.
"""

from __future__ import annotations

import re

from pipeline.models import Line, Script
from pipeline.text import word_count

_TURN = re.compile(r"^\*\*(?P<speaker>[^*:]+?)(?::\*\*|\*\*\s*:)\s*(?P<text>.*)$")
_STORY = re.compile(r"^##\s+(?:story|verhaal)\s+(\d+)\b", re.IGNORECASE)


def readable(script: Script, story_titles: list[str]) -> str:
    total = sum(word_count(line.text) for line in script.lines)
    rows = [
        f"# {script.title}",
        "",
        "<!--",
        f"dailycast script for {script.date}, written by {script.writer}, {total} words.",
        f"Edit it, then re-voice it: dailycast run --date {script.date} --from-stage voice",
        "Every turn starts with the speaker in bold and a colon: **Oliver:** text. A turn may wrap over",
        "several lines; a blank line ends it. Turns under \"## Story N\" are about story N; turns under any",
        "other \"##\" heading (Opening, Between the stories, Closing) are about no story. The edit is checked",
        "like a written script (hosts, facts, no markdown or URLs); --accept-script voices it anyway.",
        "-->",
    ]
    current: object = "start"
    for index, line in enumerate(script.lines):
        if line.story != current:
            rows += ["", _heading(line.story, story_titles, script.lines[:index], script.lines[index:])]
            current = line.story
        rows += ["", f"**{line.speaker}:** {line.text}"]
    return "\n".join(rows) + "\n"


def _heading(story: int | None, titles: list[str], before: list[Line], after: list[Line]) -> str:
    if story is not None:
        title = titles[story] if 0 <= story < len(titles) else ""
        return f"## Story {story + 1}: {title}".rstrip(": ")
    if all(line.story is None for line in before):
        return "## Opening"
    if all(line.story is None for line in after):
        return "## Closing"
    return "## Between the stories"


def parse_markdown(text: str, story_count: int) -> list[Line]:
    """The lines of an edited script.md; ValueError naming every line of it that cannot be read."""
    lines: list[Line] = []
    problems: list[str] = []
    story: int | None = None
    speaker, parts = None, []
    in_comment = False

    def close():
        nonlocal speaker, parts
        if speaker is not None:
            lines.append(Line(speaker=speaker, text=" ".join(parts).strip(), story=story))
        speaker, parts = None, []

    for number, raw in enumerate(text.splitlines(), start=1):
        row = raw.strip()
        if in_comment:
            in_comment = "-->" not in row
            continue
        if row.startswith("<!--"):
            in_comment = "-->" not in row
            continue
        if not row:
            close()
            continue
        if row.startswith("# "):
            close()
            continue
        if row.startswith("##"):
            close()
            match = _STORY.match(row)
            story = int(match.group(1)) - 1 if match else None
            if match and not 0 <= story < story_count:
                problems.append(f"line {number}: there is no story {story + 1} (stories 1-{story_count})")
            continue
        turn = _TURN.match(row)
        if turn:
            close()
            speaker, parts = turn.group("speaker").strip(), [turn.group("text")]
        elif speaker is not None:
            parts.append(row)
        else:
            problems.append(f"line {number}: text outside a speaker's turn: {row[:60]!r} "
                            "(start a turn with **Name:**)")
    close()
    if problems:
        raise ValueError("; ".join(problems))
    if not lines:
        raise ValueError("no turns found (each turn starts with **Name:**)")
    return lines
