"""Full text for the leading candidates: fetch each article page and extract its main text.

trafilatura finds the article in the page (no navigation, comments or boilerplate). When the page
cannot be had or gives less than the feed already did, the feed's text stays, and the article says
why (`text_note`). The page's `<link rel="canonical">` becomes the article's canonical URL.

This never holds up the show: each page has a short connect and read timeout and no retry, all pages
of a run share one time budget (pages not fetched by then keep the feed text), and a host that
cannot be reached once is not tried again in the same run.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from urllib.parse import urlsplit

from pipeline import urls
from pipeline.config import Config
from pipeline.errors import HostUnreachable, SourceError
from pipeline.models import Article
from pipeline.stories.fetch import Fetcher, FetchPolicy
from pipeline.text import html_to_text

MAX_PAGE_BYTES = 5 * 1024 * 1024
MIN_EXTRACTED_CHARS = 400  # less than this is a teaser or a paywall notice, not the article
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"

log = logging.getLogger(__name__)


def extract_text(page_html: str, url: str | None = None) -> str:
    """The main text of an article page, as plain paragraphs; empty when none is found."""
    import trafilatura  # imported here: a run that reads no pages does not pay for loading it

    try:
        extracted = trafilatura.extract(
            page_html, url=url, include_comments=False, include_tables=False, favor_precision=True,
            deduplicate=True,
        )
    except Exception as exc:  # noqa: BLE001 - hostile markup: no text, not a crash
        log.debug("trafilatura failed on %s: %s", url, exc)
        return ""
    # trafilatura returns text, but a page can smuggle markup or control characters into it.
    return html_to_text((extracted or "").replace("<", "&lt;"))


def page_fetcher(config: Config) -> Fetcher:
    stories = config.stories
    policy = FetchPolicy(
        connect_timeout=min(stories.connect_timeout_seconds, 3.0),
        read_timeout=stories.article_timeout_seconds,
        total_seconds=stories.article_timeout_seconds,
        max_bytes=MAX_PAGE_BYTES,
        retries=0,
    )
    return Fetcher(policy)


class _Budget:
    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.dead_hosts: set[str] = set()
        self.lock = threading.Lock()

    def left(self) -> float:
        return self.deadline - time.monotonic()


def with_full_text(articles: list[Article], config: Config) -> list[Article]:
    """The same articles, each with the page's text where it could be fetched and is better.

    Only articles whose source reads article pages (`fetch_articles`) are fetched; the others get a
    note saying the feed text was used.
    """
    fetcher = page_fetcher(config)
    budget = _Budget(config.stories.article_budget_seconds)
    reads_pages = {s.name: s.reads_article_pages for s in config.sources}
    out = list(articles)
    todo = []
    for i, article in enumerate(articles):
        if not article.url:
            out[i] = _feed_text(article, "the item has no link")
        elif not reads_pages.get(article.source, False):
            out[i] = _feed_text(article, "article pages are not fetched for this source")
        else:
            todo.append(i)
    if not todo:
        return out
    pool = ThreadPoolExecutor(max_workers=config.stories.concurrency, thread_name_prefix="article")
    try:
        futures = {pool.submit(_one, articles[i], fetcher, config.stories.max_story_chars, budget): i for i in todo}
        pending = set(futures)
        while pending and budget.left() > 0:
            done, pending = wait(pending, timeout=budget.left(), return_when=FIRST_COMPLETED)
            for future in done:
                i = futures[future]
                try:
                    out[i] = future.result()
                except Exception as exc:  # noqa: BLE001 - one odd page must not cost the run its stories
                    out[i] = _feed_text(articles[i], f"the page could not be read ({type(exc).__name__})")
        for future in pending:
            i = futures[future]
            out[i] = _feed_text(articles[i], f"the run's {config.stories.article_budget_seconds:g} s budget for "
                                             "article pages ran out")
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # stragglers finish on their own timeouts
    return out


def _one(article: Article, fetcher: Fetcher, max_chars: int, budget: _Budget) -> Article:
    host = (urlsplit(article.url).hostname or "").lower()
    with budget.lock:
        if host in budget.dead_hosts:
            return _feed_text(article, f"{host} could not be reached earlier in this run")
    if budget.left() <= 0:
        return _feed_text(article, "the run's budget for article pages ran out")
    try:
        fetched = fetcher.get(article.url, accept=PAGE_ACCEPT)
    except HostUnreachable as exc:
        with budget.lock:
            budget.dead_hosts.add(host)
        return _feed_text(article, str(exc))
    except SourceError as exc:
        return _feed_text(article, str(exc))
    content_type = fetched.headers.get("content-type", "text/html").lower()
    if "html" not in content_type and "xml" not in content_type:
        return _feed_text(article, f"the page is {content_type.split(';')[0]}, not HTML")
    page = _decode(fetched.body, content_type)
    canonical_url = article.canonical_url
    declared = urls.rel_canonical(page, fetched.url)
    if declared:
        canonical_url = urls.canonical(declared)
    text = extract_text(page, fetched.url)[:max_chars]
    if len(text) < MIN_EXTRACTED_CHARS or len(text) < len(article.text):
        return _feed_text(article, "the page's extracted text was shorter than the feed's",
                          canonical_url=canonical_url)
    return article.model_copy(update={"text": text, "text_origin": "article", "text_note": None,
                                      "canonical_url": canonical_url})


def _feed_text(article: Article, why: str, canonical_url: str | None = None) -> Article:
    return article.model_copy(update={"text_origin": "feed", "text_note": why,
                                      "canonical_url": canonical_url or article.canonical_url})


def _decode(body: bytes, content_type: str) -> str:
    charset = "utf-8"
    if "charset=" in content_type:
        charset = content_type.split("charset=", 1)[1].split(";")[0].strip().strip('"') or "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
