"""Reads the configured news sources (RSS 2.0 or Atom, from http(s) or a local path) into articles.

A source that fails is reported by name and skipped; the caller decides whether enough remain.
"""

from __future__ import annotations

import calendar
import logging
from datetime import datetime, timezone

import feedparser
import requests

from pipeline import __version__
from pipeline.config import Config, Source
from pipeline.errors import SourceError
from pipeline.models import Article
from pipeline.text import html_to_text, one_line

USER_AGENT = f"dailycast/{__version__} (+https://github.com/dailycast/dailycast; podcast news reader)"
MAX_FEED_BYTES = 10 * 1024 * 1024
MAX_ARTICLE_CHARS = 12_000

log = logging.getLogger(__name__)


def fetch_feed(source: Source, config: Config) -> bytes:
    if source.is_remote:
        try:
            response = requests.get(
                source.url, timeout=config.stories.timeout_seconds, headers={"User-Agent": USER_AGENT}, stream=True
            )
            response.raise_for_status()
            body = response.raw.read(MAX_FEED_BYTES + 1, decode_content=True)
        except requests.RequestException as exc:
            raise SourceError(f"source {source.name!r}: cannot fetch {source.url}: {exc}") from None
        if len(body) > MAX_FEED_BYTES:
            raise SourceError(f"source {source.name!r}: response larger than {MAX_FEED_BYTES // 2**20} MB")
        return body
    path = config.resolve(source.url)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(f"source {source.name!r}: cannot read {path}: {exc.strerror}") from None


def parse_feed(source: Source, body: bytes) -> list[Article]:
    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise SourceError(f"source {source.name!r}: not a readable RSS or Atom feed ({parsed.bozo_exception})")
    articles = []
    for entry in parsed.entries:
        title = one_line(entry.get("title", ""))
        text = _entry_text(entry)
        if not title or not text:
            log.warning("source %r: skipping an item without title or text", source.name)
            continue
        articles.append(
            Article(
                source=source.name,
                title=title,
                url=_safe_link(entry.get("link")),
                published=_published(entry),
                text=text[:MAX_ARTICLE_CHARS],
                text_origin="feed",
            )
        )
    return articles


def read_source(source: Source, config: Config) -> list[Article]:
    return parse_feed(source, fetch_feed(source, config))


def _entry_text(entry) -> str:
    contents = [c.get("value", "") for c in entry.get("content", [])]
    candidates = contents + [entry.get("summary", "")]
    return max((html_to_text(c) for c in candidates), key=len, default="")


def _safe_link(link: str | None) -> str | None:
    if link and link.startswith(("http://", "https://")):
        return link.strip()
    return None


def _published(entry) -> datetime | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    return datetime.fromtimestamp(calendar.timegm(stamp), tz=timezone.utc)
