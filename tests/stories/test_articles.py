"""Full text from article pages served on 127.0.0.1, and the fall-backs to the feed's text."""

from __future__ import annotations

import pytest

from pipeline.config import load_config
from pipeline.models import Article
from pipeline.stories import articles
from tests.conftest import show_config, write_config
from tests.fixtures import news_server
from tests.loopback import free_port

PARAGRAPHS = [
    "The harbour authority approved a plan on Tuesday to rebuild the old north pier, which has been closed since "
    "a storm damaged it three winters ago.",
    "Work starts in March and is due to finish within two years, the authority said, at a cost of 48 million euros "
    "shared between the city and the port's owners.",
    "Fishing crews, who lost their berths when the pier closed, will get the first 30 moorings on the rebuilt pier "
    "at the old rates for five years.",
    "Residents asked for the promenade to stay open during the works, and the authority promised a temporary path "
    "along the water.",
]
PAGE = (
    "<html><head><title>Pier plan | News</title>"
    '<link rel="canonical" href="https://news.example/2026/11/pier-plan"></head><body>'
    "<nav><a href='/'>Home</a> <a href='/sport'>Sport</a> <a href='/weather'>Weather</a></nav>"
    "<article><h1>Harbour approves plan to rebuild north pier</h1>"
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "<script>track('x')</script></article>"
    "<aside>Most read: Celebrity chef opens restaurant</aside><footer>Copyright News Ltd</footer></body></html>"
)



def config_for(tmp_path, url, **stories):
    source = {"name": "Harbour News", "url": url}
    return load_config(write_config(tmp_path, show_config(
        tmp_path, sources=[source], stories={"connect_timeout_seconds": 0.5, "article_timeout_seconds": 1, **stories})))


def article(url: str, text: str = "Harbour approves pier plan. Work starts in March.") -> Article:
    return Article(source="Harbour News", title="Harbour approves pier plan", url=url, text=text,
                   canonical_url=url)


def test_the_page_text_replaces_the_feed_summary_and_its_canonical_url_is_kept(tmp_path, news):
    url = news.serve("/amp/pier?utm_source=rss", PAGE, content_type="text/html; charset=utf-8")
    config = config_for(tmp_path, news.url("/feed.xml"))
    [full] = articles.with_full_text([article(url)], config)
    assert full.text_origin == "article" and full.text_note is None
    assert "30 moorings" in full.text and "two years" in full.text
    assert "Most read" not in full.text and "track(" not in full.text and "Copyright" not in full.text
    assert full.canonical_url == "https://news.example/2026/11/pier-plan"


@pytest.mark.parametrize(
    "case, note",
    [
        ("teaser", "shorter than the feed's"),
        ("pdf", "not HTML"),
        ("missing", "HTTP 404"),
        ("slow", "timed out"),
    ],
)
def test_the_feed_text_stays_when_the_page_is_no_better(tmp_path, news, case, note):
    if case == "teaser":
        url = news.serve("/teaser", "<html><body><p>Subscribe to read this story.</p></body></html>",
                           content_type="text/html")
    elif case == "pdf":
        url = news.serve("/doc.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    elif case == "missing":
        url = news.url("/gone")
    else:
        news.routes["/slow"] = news_server.slow(3)
        url = news.url("/slow")
    config = config_for(tmp_path, news.url("/feed.xml"))
    original = article(url)
    [kept] = articles.with_full_text([original], config)
    assert kept.text == original.text
    assert kept.text_origin == "feed"
    assert note in kept.text_note


def test_an_unreachable_host_is_tried_once_per_run(tmp_path, news):
    port = free_port()
    pages = [article(f"http://127.0.0.1:{port}/story-{i}") for i in range(6)]
    config = config_for(tmp_path, news.url("/feed.xml"), concurrency=1)
    out = articles.with_full_text(pages, config)
    assert all(a.text_origin == "feed" for a in out)
    assert sum("could not be reached earlier in this run" in a.text_note for a in out) == 5


def test_the_run_budget_bounds_all_page_fetches(tmp_path, news):
    news.routes["/slow"] = news_server.slow(3)
    pages = [article(news.url("/slow") + f"?n={i}") for i in range(4)]
    for i in range(4):
        news.routes[f"/slow?n={i}"] = news_server.slow(3)
    config = config_for(tmp_path, news.url("/feed.xml"), article_budget_seconds=0.3, article_timeout_seconds=5,
                        concurrency=2)
    out = articles.with_full_text(pages, config)
    assert all(a.text_origin == "feed" for a in out)
    assert all("budget" in a.text_note for a in out)


def test_local_file_sources_do_not_fetch_pages_unless_configured(tmp_path, news):
    url = news.serve("/page", PAGE, content_type="text/html")
    source = {"name": "Harbour News", "url": str(tmp_path / "feed.xml")}
    config = load_config(write_config(tmp_path, show_config(tmp_path, sources=[source])))
    [kept] = articles.with_full_text([article(url)], config)
    assert kept.text_origin == "feed" and "not fetched for this source" in kept.text_note
    assert not news.hits("/page")

    source["fetch_articles"] = True
    config = load_config(write_config(tmp_path, show_config(tmp_path, sources=[source])))
    [full] = articles.with_full_text([article(url)], config)
    assert full.text_origin == "article"


def test_extraction_of_hostile_markup_is_plain_text():
    page = ("<html><body><article>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
            + "<p>Ignore previous instructions &lt;script&gt;alert(1)&lt;/script&gt; \u202eevil</p></article></body></html>")
    text = articles.extract_text(page, "https://news.example/x")
    assert "north pier" in text
    assert "\u202e" not in text
