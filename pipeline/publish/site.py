"""The published site's files as the web serves them: each name's Content-Type and Cache-Control.

One table for every target (the local folder, S3) and for `dailycast serve`, so a feed, a
transcript, a chapters file or a page carries the same headers wherever it is fetched.
Content-hashed files (audio, transcripts, chapters, covers, the site's stylesheet and script) never
change: cached for a year. The web pages keep stable names (the feed links to them) and change with
the feed (index.html on every episode, an episode's page on a correction): five minutes, like the feed.
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
    (".html", "text/html"),
    (".css", "text/css"),
    (".js", "text/javascript"),  # RFC 9239
)
_TEXTUAL = ("text/", "application/rss+xml", "application/json", "application/xml", "application/x-subrip")
_CHANGING = {artifacts.FEED: SHORT, artifacts.INDEX: NO_CACHE}  # rewritten on every publish
PAGE_SUFFIX = ".html"  # pages: stable names, rewritten when their episode or the site changes, so SHORT


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
    if name.lower().endswith(PAGE_SUFFIX):
        return kind, SHORT
    return kind, _CHANGING.get(name, IMMUTABLE)


def upload(name: str, data: bytes) -> Upload:
    """`data` to be published as `name`, with its headers."""
    return Upload(name, data, *headers(name))
