"""Reading sources over real HTTP on 127.0.0.1: every bad case the web serves, and conditional GET."""

from __future__ import annotations

import threading

import pytest

from pipeline.config import load_config
from pipeline.errors import SourceError
from pipeline.stories import sources
from pipeline.stories.fetch import USER_AGENT, Fetcher, FetchPolicy
from tests.conftest import show_config, write_config
from tests.fixtures import feeds, news_server
from tests.loopback import free_port

FAST = {"timeout_seconds": 0.5, "connect_timeout_seconds": 0.5, "retries": 1, "max_feed_mb": 1}



def config_for(tmp_path, source_list, **stories):
    return load_config(write_config(tmp_path, show_config(tmp_path, sources=source_list,
                                                          stories={**FAST, **stories})))


def read_with_good_neighbour(tmp_path, news, route_path, route=None, body=None, **serve):
    """Reads a good source and the one under test; returns (good result, tested result)."""
    if route is not None:
        news.routes[route_path] = route
    elif body is not None:
        news.serve(route_path, body, **serve)
    news.serve("/good.xml", feeds.good_feed())
    config = config_for(tmp_path, [{"name": "Good Times", "url": news.url("/good.xml")},
                                   {"name": "Bad Gazette", "url": news.url(route_path)}])
    good, tested = sources.read_all(config)
    assert good.error is None and len(good.articles) == 3, "one broken source must not stop the others"
    return good, tested


@pytest.mark.parametrize(
    "case, expected",
    [
        ("http-404", "HTTP 404"),
        ("http-500", "HTTP 500"),
        ("timeout", "timed out"),
        ("50mb-streamed", "over the 1.0 MB cap; cut off"),
        ("50mb-declared", "response of 50.0 MB is over the 1.0 MB cap"),
        ("redirect-loop", "redirects (a loop?)"),
        ("empty-feed", "no usable items"),
        ("empty-body", "the response is empty"),
        ("not-a-feed", "RSS or Atom feed"),
        ("unreachable", "connection refused"),
    ],
)
def test_a_failing_source_is_skipped_with_a_warning_that_names_it(tmp_path, news, case, expected):
    path = f"/{case}"
    routes = {
        "http-404": news_server.status(404),
        "http-500": news_server.status(500),
        "timeout": news_server.slow(3),
        "50mb-streamed": news_server.huge(news, path, 50 * 2**20, declare_length=False),
        "50mb-declared": news_server.huge(news, path, 50 * 2**20, declare_length=True),
        "redirect-loop": news_server.redirect(path),
        "empty-feed": None,
        "empty-body": None,
        "not-a-feed": None,
        "unreachable": None,
    }
    bodies = {
        "empty-feed": feeds.rss(),
        "empty-body": b"",
        "not-a-feed": b"<html><head><title>Welcome</title></head><body><p>Our new website!</p></body></html>",
    }
    if case == "unreachable":
        dead_port = free_port()
        news.serve("/good.xml", feeds.good_feed())
        config = config_for(tmp_path, [{"name": "Good Times", "url": news.url("/good.xml")},
                                       {"name": "Bad Gazette", "url": f"http://127.0.0.1:{dead_port}/feed"}])
        good, tested = sources.read_all(config)
        assert good.articles
    else:
        good, tested = read_with_good_neighbour(
            tmp_path, news, path, route=routes[case], body=bodies.get(case),
            content_type="text/html" if case == "not-a-feed" else "application/rss+xml",
        )
    assert tested.error is not None and tested.error.startswith("source 'Bad Gazette': ")
    assert expected in tested.error
    assert not tested.articles
    if case == "http-404":
        assert len(news.hits(path)) == 1, "a 404 is not retried"
    if case == "http-500":
        assert len(news.hits(path)) == 2, "a 500 is retried (retries: 1)"
    if case.startswith("50mb"):
        assert news.bytes_sent.get(path, 0) < 8 * 2**20, "the client hung up near the cap, not after 50 MB"
    if case == "redirect-loop":
        assert len(news.hits(path)) <= 7


def test_malformed_xml_is_read_as_far_as_it_goes_with_a_warning(tmp_path, news):
    body = feeds.rss(feeds.item("Harbour plan approved", link="https://news.example/1"),
                     feeds.item("Tom & Jerry & co buy the <b>stadium", link="https://news.example/2", raw_title=True))
    _, tested = read_with_good_neighbour(tmp_path, news, "/malformed.xml", body=body)
    assert tested.error is None
    assert "Harbour plan approved" in [a.title for a in tested.articles]
    assert any("not well-formed" in w and "'Bad Gazette'" in w for w in tested.warnings)


def test_a_wrong_declared_encoding_still_reads_the_titles(tmp_path, news):
    body = feeds.rss(feeds.item("Café owners in Zürich protest", link="https://news.example/c")).encode("latin-1")
    _, tested = read_with_good_neighbour(tmp_path, news, "/latin1.xml", body=body)  # declares utf-8
    assert tested.error is None
    assert tested.articles[0].title == "Café owners in Zürich protest"


def test_a_missing_encoding_is_sniffed(tmp_path, news):
    body = feeds.rss(feeds.item("Naïve “smart” meters recalled", link="https://news.example/m"),
                     declaration=False).encode("cp1252")
    _, tested = read_with_good_neighbour(tmp_path, news, "/cp1252.xml", body=body,
                                         content_type="application/rss+xml")
    assert tested.error is None
    title = tested.articles[0].title
    assert "meters recalled" in title and "\ufffd" not in title


def test_html_and_entities_in_titles_become_plain_text(tmp_path, news):
    body = feeds.rss(
        feeds.item("&lt;b&gt;Breaking:&lt;/b&gt; AT&amp;amp;T &amp;amp; Nokia sign &#8220;deal&#8221;&lt;script&gt;x()&lt;/script&gt;",
                   link="https://news.example/t", raw_title=True))
    _, tested = read_with_good_neighbour(tmp_path, news, "/html-titles.xml", body=body)
    title = tested.articles[0].title
    assert "<" not in title and "script" not in title and "x()" not in title
    assert title.startswith("Breaking: AT&T & Nokia sign \u201cdeal\u201d")


def test_missing_dates_and_titles(tmp_path, news):
    body = feeds.rss(
        feeds.item("Undated story", link="https://news.example/u", date=None),
        feeds.item(None, link="https://news.example/no-title", text="Trams return to the old bridge. More later."),
        feeds.item(None, link="https://news.example/nothing", text=""),
        channel_date="Wed, 25 Nov 2026 22:00:00 +0000",
    )
    _, tested = read_with_good_neighbour(tmp_path, news, "/undated.xml", body=body)
    by_url = {a.url: a for a in tested.articles}
    assert by_url["https://news.example/u"].published.isoformat() == "2026-11-25T22:00:00+00:00", "the feed's date"
    assert by_url["https://news.example/no-title"].title == "Trams return to the old bridge."
    assert "https://news.example/nothing" not in by_url
    assert any("without title or text" in w for w in tested.warnings)


def test_duplicate_guids_are_read_once(tmp_path, news):
    body = feeds.rss(
        feeds.item("Harbour plan approved", link="https://news.example/h", guid="story-1"),
        feeds.item("Harbour plan approved (updated)", link="https://news.example/h2", guid="story-1"),
        feeds.item("Stadium sale", link="https://news.example/s?utm_source=rss", guid="story-2"),
        feeds.item("Stadium sale again", link="https://news.example/s", guid="story-3"),
    )
    _, tested = read_with_good_neighbour(tmp_path, news, "/dups.xml", body=body)
    assert [a.title for a in tested.articles] == ["Harbour plan approved", "Stadium sale"]
    assert tested.articles[1].url == "https://news.example/s", "tracking parameters are dropped from links"
    assert any("2 repeated items" in w for w in tested.warnings)


def test_the_item_cap_keeps_the_first_items(tmp_path, news):
    news.serve("/many.xml", feeds.good_feed(n=12))
    config = config_for(tmp_path, [{"name": "Many", "url": news.url("/many.xml"), "max_items": 5},
                                   {"name": "Few", "url": news.url("/many.xml")}])
    capped, full = sources.read_all(config)
    assert len(capped.articles) == 5 and len(full.articles) == 12


def test_conditional_get_sends_validators_and_handles_304(tmp_path, news):
    body = feeds.good_feed(n=2)
    etag, modified = '"v1-abc"', "Wed, 25 Nov 2026 22:00:00 GMT"
    news.routes["/cond.xml"] = news_server.conditional(body, etag, modified)
    config = config_for(tmp_path, [{"name": "Cond", "url": news.url("/cond.xml")}])

    first = sources.read_all(config)[0]
    second = sources.read_all(config)[0]

    hits = news.hits("/cond.xml")
    assert len(hits) == 2
    assert "If-None-Match" not in hits[0].headers
    assert hits[1].headers.get("If-None-Match") == etag
    assert hits[1].headers.get("If-Modified-Since") == modified
    assert second.error is None
    assert [a.title for a in second.articles] == [a.title for a in first.articles]
    assert (config.work_root / ".http-cache").is_dir()


def test_requests_carry_a_descriptive_user_agent(tmp_path, news):
    news.serve("/ua.xml", feeds.good_feed())
    sources.read_all(config_for(tmp_path, [{"name": "UA", "url": news.url("/ua.xml")}]))
    agent = news.hits("/ua.xml")[0].headers["User-Agent"]
    assert agent == USER_AGENT and agent.startswith("dailycast/") and "podcast" in agent


def test_sources_are_fetched_concurrently(tmp_path, news):
    barrier = threading.Barrier(3, timeout=3)  # answers only when all three requests are in flight at once
    for name in ("a", "b", "c"):
        news.routes[f"/{name}.xml"] = news_server.together(barrier, feeds.good_feed(prefix=name.upper()))
    config = config_for(tmp_path, [{"name": n.upper(), "url": news.url(f"/{n}.xml")} for n in "abc"],
                        retries=0, timeout_seconds=5)
    results = sources.read_all(config)
    assert [r.error for r in results] == [None, None, None]


def test_a_5xx_is_retried_with_backoff_and_retry_after(news):
    news.serve("/ok.xml", feeds.good_feed())
    news.routes["/flaky.xml"] = news_server.sequence(
        news_server.status(503, {"Retry-After": "2"}), news_server.status(500), news.routes["/ok.xml"],
    )
    waits = []
    fetcher = Fetcher(FetchPolicy(retries=2, backoff_seconds=0.1), sleep=waits.append)
    fetched = fetcher.get(news.url("/flaky.xml"))
    assert b"<rss" in fetched.body
    assert len(waits) == 2
    assert waits[0] >= 2, "Retry-After is honoured"
    assert 0.2 <= waits[1] < 0.5, "the backoff doubles"


def test_retries_give_up_with_the_last_reason(news):
    news.routes["/down.xml"] = news_server.status(502)
    fetcher = Fetcher(FetchPolicy(retries=2, backoff_seconds=0.01), sleep=lambda s: None)
    with pytest.raises(SourceError, match=r"HTTP 502 .*after 3 attempts"):
        fetcher.get(news.url("/down.xml"))
    assert len(news.hits("/down.xml")) == 3


def test_a_local_file_source_that_is_missing_names_the_source(tmp_path):
    config = config_for(tmp_path, [{"name": "Gone", "url": str(tmp_path / "nope.xml")}])
    [result] = sources.read_all(config)
    assert result.error.startswith("source 'Gone': cannot read")


@pytest.mark.parametrize(
    "sources_section, stories_section, message",
    [
        ([{"name": "X", "url": "feed.xml", "fetch_article": True}], {}, "sources[0].fetch_article: unknown key"),
        ([{"name": "X", "url": "feed.xml", "max_items": 0}], {}, "sources[0].max_items: Input should be greater"),
        ([{"name": "X", "url": "feed.xml"}], {"topics": [{"name": "ai", "boost": "lots"}]},
         "stories.topics[0].boost: Input should be a valid number"),
    ],
)
def test_a_bad_source_or_stories_key_is_named(tmp_path, sources_section, stories_section, message):
    from pipeline.errors import ConfigError

    path = write_config(tmp_path, show_config(tmp_path, sources=sources_section, stories=stories_section))
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert message in str(raised.value)


def test_a_secret_in_a_source_url_stays_out_of_errors_and_the_cache(tmp_path, news):
    news.routes["/private.xml?key=s3cr3t"] = news_server.status(500)
    news.serve("/cached.xml?token=t0ken", feeds.good_feed(), headers={"ETag": '"e1"'})
    config = config_for(tmp_path, [{"name": "Private", "url": news.url("/private.xml?key=s3cr3t")},
                                   {"name": "Cached", "url": news.url("/cached.xml?token=t0ken")}], retries=0)
    failed, cached = sources.read_all(config)
    assert "HTTP 500" in failed.error and "s3cr3t" not in failed.error and "key=***" in failed.error
    assert cached.error is None
    stored = [p.read_text() for p in (config.work_root / ".http-cache").glob("*.json")]
    assert stored and not any("t0ken" in text for text in stored)


def test_an_undefined_entity_in_a_feed_does_not_reach_the_text(tmp_path, news):
    laughs = ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">'
              '<!ENTITY lol9 "&lol2;&lol2;&lol2;">]>\n')
    body = laughs + feeds.rss(feeds.item("Harbour &lol9; plan approved", link="https://news.example/h", raw_title=True,
                                         text="The council &lol9; approved the harbour plan on Tuesday."),
                              declaration=False)
    _, tested = read_with_good_neighbour(tmp_path, news, "/laughs.xml", body=body)
    (article,) = tested.articles
    assert article.title == "Harbour plan approved"
    assert article.text == "The council approved the harbour plan on Tuesday."
