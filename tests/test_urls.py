import pytest

from pipeline import urls


@pytest.mark.parametrize(
    "a, b",
    [
        ("https://www.News.example/a/b/?utm_source=rss&utm_medium=feed#comments", "http://news.example/a/b"),
        ("https://news.example/story?id=7&fbclid=XYZ&gclid=1", "https://news.example/story?id=7"),
        ("https://news.example:443/x?b=2&a=1", "https://news.example/x?a=1&b=2"),
    ],
)
def test_tracking_fragments_and_spelling_do_not_make_a_new_article(a, b):
    assert urls.canonical(a) == urls.canonical(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("https://news.example/story?id=7", "https://news.example/story?id=8"),
        ("https://news.example/a", "https://other.example/a"),
        ("https://news.example/a", "https://news.example/a/b"),
    ],
)
def test_different_articles_stay_different(a, b):
    assert urls.canonical(a) != urls.canonical(b)


def test_clean_keeps_the_link_but_drops_tracking():
    assert urls.clean("https://News.example/Path?id=3&utm_campaign=x#top") == "https://news.example/Path?id=3"


def test_rel_canonical_is_read_from_the_page_and_made_absolute():
    page = '<html><head><link rel="stylesheet" href="/s.css"><link rel="Canonical" href="/2026/11/story"></head></html>'
    assert urls.rel_canonical(page, "https://news.example/amp/story?x=1") == "https://news.example/2026/11/story"
    assert urls.rel_canonical("<html><head></head></html>", "https://news.example/a") is None
    assert urls.rel_canonical('<link rel="canonical" href="javascript:alert(1)">', "https://news.example/a") is None


def test_redact_hides_credentials_and_keys_but_keeps_the_place():
    shown = urls.redact("https://user:hunter2@feeds.example/rss?api_key=s3cr3t&section=tech&token=abc")
    assert "hunter2" not in shown and "s3cr3t" not in shown and "abc" not in shown
    assert shown == "https://feeds.example/rss?api_key=***&section=tech&token=***"
