"""Reads the configured news sources (RSS 2.0 or Atom, from http(s) or a local path) into articles.

Sources are read concurrently. A source that fails (unreachable, 404/500, timeout, oversized,
a redirect loop, not a feed) is reported by name and skipped; the rest go on. Within a feed, items
are cleaned of HTML and entities, an item without a title takes its first sentence, one without a
date takes the feed's date, and a repeated GUID or link is read once.
"""

from __future__ import annotations

import calendar
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone

import feedparser

from pipeline import urls
from pipeline.config import Config, Source
from pipeline.errors import SourceError
from pipeline.models import Article
from pipeline.stories.fetch import Fetcher, FetchPolicy, HttpCache
from pipeline.text import html_to_text, one_line, split_sentences

MAX_TITLE_CHARS = 200
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"

log = logging.getLogger(__name__)


@dataclass
class SourceResult:
    source: Source
    articles: list[Article] = field(default_factory=list)
    error: str | None = None  # the source was skipped
    warnings: list[str] = field(default_factory=list)
    beyond_cap: list[datetime | None] = field(default_factory=list)  # dates of the entries max_items cut


def feed_fetcher(config: Config) -> Fetcher:
    stories = config.stories
    policy = FetchPolicy(
        connect_timeout=stories.connect_timeout_seconds,
        read_timeout=stories.timeout_seconds,
        total_seconds=stories.timeout_seconds * 2,
        max_bytes=int(stories.max_feed_mb * 2**20),
        retries=stories.retries,
    )
    return Fetcher(policy, HttpCache(config.work_root / ".http-cache"))


def fetch_feed(source: Source, config: Config, fetcher: Fetcher) -> tuple[bytes, dict[str, str]]:
    if source.is_remote:
        try:
            fetched = fetcher.get(source.url, accept=FEED_ACCEPT)
        except SourceError as exc:
            raise SourceError(f"source {source.name!r}: {exc}") from None
        if fetched.not_modified:
            log.info("source %r: not modified since the last run; using the cached copy", source.name)
        return fetched.body, fetched.headers
    path = config.resolve(source.url)
    try:
        size = path.stat().st_size
        if size > config.stories.max_feed_mb * 2**20:
            raise SourceError(f"source {source.name!r}: {path} is larger than {config.stories.max_feed_mb:g} MB")
        return path.read_bytes(), {}
    except OSError as exc:
        raise SourceError(f"source {source.name!r}: cannot read {path}: {exc.strerror}") from None


def parse_feed(source: Source, body: bytes, headers: dict[str, str] | None = None,
               max_chars: int = 12_000) -> SourceResult:
    result = SourceResult(source=source)
    if not body.strip():
        raise SourceError(f"source {source.name!r}: the response is empty")
    content_type = (headers or {}).get("content-type")
    parsed = feedparser.parse(body, response_headers={"content-type": content_type} if content_type else None)
    if not parsed.entries:
        if parsed.bozo:
            raise SourceError(f"source {source.name!r}: not a readable RSS or Atom feed ({_bozo(parsed)})")
        if not parsed.get("version"):
            raise SourceError(f"source {source.name!r}: not an RSS or Atom feed")
        return result  # a valid feed with no items today
    if parsed.bozo:
        result.warnings.append(f"source {source.name!r}: feed is not well-formed ({_bozo(parsed)}); "
                               f"read its {len(parsed.entries)} items anyway")
    feed_date = _stamp(parsed.feed.get("updated_parsed") or parsed.feed.get("published_parsed"))
    seen: set[str] = set()
    dropped = {"duplicate": 0, "empty": 0}
    result.beyond_cap = [_stamp(e.get("published_parsed") or e.get("updated_parsed")) or feed_date
                         for e in parsed.entries[source.max_items:]]
    for entry in parsed.entries[: source.max_items]:
        text = _entry_text(entry)[:max_chars]
        title = one_line(entry.get("title", ""))
        if not title and text:
            title = split_sentences(text)[0]
        if not title:
            dropped["empty"] += 1
            continue
        if len(title) > MAX_TITLE_CHARS:
            title = title[: MAX_TITLE_CHARS - 1].rsplit(" ", 1)[0] + "\u2026"
        link = _safe_link(entry.get("link"))
        guid = one_line(str(entry.get("id") or "")) or None
        canonical_url = urls.canonical(link) if link else None
        keys = {k for k in (guid, canonical_url) if k}
        if keys & seen:
            dropped["duplicate"] += 1
            continue
        seen |= keys
        result.articles.append(
            Article(
                source=source.name,
                title=title,
                url=link,
                canonical_url=canonical_url,
                guid=guid,
                published=_stamp(entry.get("published_parsed") or entry.get("updated_parsed")) or feed_date,
                text=text or title,
                text_origin="feed",
                tags=list(source.tags),
            )
        )
    if dropped["duplicate"]:
        result.warnings.append(f"source {source.name!r}: {dropped['duplicate']} repeated items (same GUID or "
                               "link) read once")
    if dropped["empty"]:
        result.warnings.append(f"source {source.name!r}: {dropped['empty']} items without title or text skipped")
    return result


def read_all(config: Config) -> list[SourceResult]:
    """Every configured source, concurrently; results in config order, failures as `error`."""
    fetcher = feed_fetcher(config)

    def one(source: Source) -> SourceResult:
        try:
            body, headers = fetch_feed(source, config, fetcher)
            result = parse_feed(source, body, headers, config.stories.max_story_chars)
        except SourceError as exc:
            return SourceResult(source=source, error=str(exc))
        except Exception as exc:  # noqa: BLE001 - a hostile feed must not stop the other sources
            return SourceResult(source=source, error=f"source {source.name!r}: unreadable ({type(exc).__name__}: {exc})")
        if not result.articles:
            result.error = f"source {source.name!r}: no usable items"
        return result

    with ThreadPoolExecutor(max_workers=config.stories.concurrency, thread_name_prefix="source") as pool:
        return list(pool.map(one, config.sources))


def _entry_text(entry) -> str:
    contents = [c.get("value", "") for c in entry.get("content", []) or []]
    candidates = contents + [entry.get("summary", "") or ""]
    return max((html_to_text(c) for c in candidates), key=len, default="")


def _safe_link(link: str | None) -> str | None:
    if link and urls.is_http(link):
        return urls.clean(link)
    return None


def _stamp(struct) -> datetime | None:
    if not struct:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), tz=timezone.utc)
    except (OverflowError, ValueError, TypeError):
        return None


def _bozo(parsed) -> str:
    exc = parsed.get("bozo_exception")
    return " ".join(str(exc).split())[:160] if exc else "malformed"
