"""The published attachments read back for the episode page: WebVTT cues and Podcasting 2.0 chapters.

parse_vtt reads what the mix stage writes (`N`, `HH:MM:SS.mmm --> HH:MM:SS.mmm`, `<v Oliver>text</v>`,
entities escaped) and the usual variants of other writers: a BOM, CRLF, header text, NOTE/STYLE/REGION
blocks, cues without ids, `MM:SS.mmm` times, cue settings, `<v.class Name>`, text over several lines,
other tags and inline timestamps. Text and speakers come back as plain text, entities decoded: the
templates escape them again. Both files came from the web once (titles, quotes), so nothing here is
trusted: control characters go, and only http(s) links are kept.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_TIMING = re.compile(r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})(?:\s.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+([^>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    speaker: str | None
    text: str


@dataclass(frozen=True)
class Chapter:
    start: float
    end: float
    title: str
    url: str | None = None


def plain(text: str) -> str:
    """Web text as one clean line: no control characters, runs of white space made one space."""
    return " ".join(_CONTROL.sub(" ", text).split())


def safe_link(url: object) -> str | None:
    """An http(s) URL with a host and no spaces or control characters, else None (never javascript: or data:)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or re.search(r"[\x00-\x20\x7f-\x9f]", url):
        return None
    return url


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    hours = int(parts[-3]) if len(parts) == 3 else 0
    return hours * 3600 + int(parts[-2]) * 60 + float(parts[-1])


def parse_vtt(text: str) -> list[Cue]:
    """The cues of a WebVTT file, by start time; ValueError when it is not WebVTT at all."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.startswith("WEBVTT"):
        raise ValueError("not WebVTT (it must start with WEBVTT)")
    cues = []
    for block in re.split(r"\n[ \t]*\n", text)[1:]:
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines or lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        match = _TIMING.match(lines[timing]) if timing is not None else None
        if not match:
            continue
        start, end = _seconds(match.group(1)), _seconds(match.group(2))
        raw = " ".join(lines[timing + 1:])
        voice = _VOICE.search(raw)
        speaker = plain(html.unescape(voice.group(1))) if voice and voice.group(1) else ""
        body = plain(html.unescape(_TAG.sub("", raw)))
        if body:
            cues.append(Cue(start=start, end=max(start, end), speaker=speaker or None, text=body))
    return sorted(cues, key=lambda cue: cue.start)


def parse_chapters(data: str | bytes, total_seconds: float) -> list[Chapter]:
    """Podcasting 2.0 JSON chapters, by start time, each ending where the next starts (the last at the
    episode's end); entries marked `"toc": false` are left out. ValueError when it is not chapters JSON."""
    try:
        document = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"not JSON ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("chapters"), list):
        raise ValueError('not Podcasting 2.0 chapters (no "chapters" list)')
    items = [item for item in document["chapters"] if isinstance(item, dict) and item.get("toc", True) is not False
             and isinstance(item.get("startTime"), (int, float)) and not isinstance(item.get("startTime"), bool)
             and math.isfinite(item["startTime"]) and 0 <= item["startTime"] <= total_seconds]
    items.sort(key=lambda item: item["startTime"])
    chapters = []
    for number, item in enumerate(items):
        end = items[number + 1]["startTime"] if number + 1 < len(items) else total_seconds
        title = plain(str(item.get("title") or "")) or f"{number + 1}"
        chapters.append(Chapter(start=float(item["startTime"]), end=float(end), title=title,
                                url=safe_link(item.get("url"))))
    return chapters
