"""Chapters from the real timeline: intro, one per story (with its source link), outro.

The same list goes into the MP3 (ID3 CHAP/CTOC) and into chapters.json, the Podcasting 2.0 JSON
chapters file the feed links to. Story titles and links come from the web: titles are reduced to one
plain line and only http(s) links are kept.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline import files, urls
from pipeline.mix.id3 import Chapter
from pipeline.models import Story, TimedLine

VERSION = "1.2.0"
MAX_TITLE = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def clean_title(text: str) -> str:
    title = " ".join(_CONTROL.sub(" ", text).split())
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1].rstrip() + "…"


def clean_url(url: str | None) -> str | None:
    if not urls.is_http(url) or _CONTROL.search(url) or " " in url:
        return None
    return url


def build(timeline: list[TimedLine], stories: list[Story], total_seconds: float,
          outro_at: float | None = None) -> list[Chapter]:
    """Intro at 0, each story where its first line starts, the outro where the sign-off starts.

    `outro_at` is where the outro music starts, used when the script has no sign-off line.
    """
    starts: list[tuple[float, str, str | None]] = [(0.0, "Intro", None)]
    last_story_end = 0.0
    for number, story in enumerate(stories):
        lines = [line for line in timeline if line.story == number]
        if lines:
            starts.append((lines[0].start, clean_title(story.title) or f"Story {number + 1}", clean_url(story.url)))
            last_story_end = max(line.end for line in lines)
    sign_off = [line for line in timeline if line.story is None and line.start >= last_story_end > 0]
    outro = sign_off[0].start if sign_off else outro_at
    if outro is not None and outro > starts[-1][0]:
        starts.append((outro, "Outro", None))
    starts.sort(key=lambda item: item[0])
    ends = [start for start, _, _ in starts[1:]] + [total_seconds]
    return [Chapter(start=round(start, 3), end=round(end, 3), title=title, url=url)
            for (start, title, url), end in zip(starts, ends)]


def to_json(chapters: list[Chapter]) -> str:
    entries = []
    for chapter in chapters:
        entry: dict = {"startTime": chapter.start, "title": chapter.title}
        if chapter.url:
            entry["url"] = chapter.url
        entries.append(entry)
    return json.dumps({"version": VERSION, "chapters": entries}, indent=2, ensure_ascii=False) + "\n"


def write_json(path: Path, chapters: list[Chapter]) -> None:
    files.write_text(path, to_json(chapters))
