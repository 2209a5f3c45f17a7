"""The published site's files as the web serves them: each name's Content-Type and Cache-Control.

One table for every target (the local folder, S3) and for `dailycast serve`, so a feed, a
transcript or a chapters file carries the same headers wherever a listener's app fetches it.
Content-hashed files (audio, transcripts, chapters, cover) never change: cached for a year.
"""

from __future__ import annotations

import mimetypes

from pipeline import artifacts
from pipeline.publish.feed.podcastindex import CHAPTERS_TYPE
from pipeline.publish.targets.base import IMMUTABLE, NO_CACHE, SHORT, Upload

# By the end of the name, first match wins: what podcast apps expect where the platform's table differs.
_TYPES = (
    (".chapters.json", CHAPTERS_TYPE),
    (artifacts.FEED, "application/rss+xml"),
    (".mp3", "audio/mpeg"),
    (".m4a", "audio/mp4"),
    (".vtt", "text/vtt"),
    (".srt", "application/x-subrip"),
    (".json", "application/json"),
    (".xml", "application/xml"),
    (".jpg", "image/jpeg"),
    (".png", "image/png"),
)
_TEXTUAL = ("text/", "application/rss+xml", "application/json", "application/xml", "application/x-subrip")
_CHANGING = {artifacts.FEED: SHORT, artifacts.INDEX: NO_CACHE}  # rewritten on every publish


def mime_type(name: str) -> str:
    """The bare media type of a site file (what the feed's type attributes say)."""
    lowered = name.lower()
    found = next((kind for end, kind in _TYPES if lowered.endswith(end)), None)
    return found or mimetypes.guess_type(name)[0] or "application/octet-stream"


def headers(name: str) -> tuple[str, str]:
    """(Content-Type, Cache-Control) for the site file `name` (relative to the site's root)."""
    kind = mime_type(name)
    if kind.startswith(_TEXTUAL):
        kind += "; charset=utf-8"
    return kind, _CHANGING.get(name, IMMUTABLE)


def upload(name: str, data: bytes) -> Upload:
    """`data` to be published as `name`, with its headers."""
    return Upload(name, data, *headers(name))
