"""Link-level duplicates count once: guid, canonical URL, "Update:" re-posts of the same source."""
from datetime import datetime, timedelta, timezone

from pipeline.stories.clustering import Item, cluster
from pipeline.stories.clustering.text import canonical_url, dedupe

T = datetime(2026, 12, 1, 8, tzinfo=timezone.utc)
TEXT = "Orvanta raised its dividend by 12% after a record quarter, chief executive Lea Moll said on Monday."


def test_canonical_url_drops_tracking_and_cosmetics():
    assert canonical_url("http://www.Example.com/a/b/?utm_source=rss&id=3&fbclid=x#top") == \
        canonical_url("https://example.com/a/b?id=3")
    assert canonical_url("https://example.com/a?id=3") != canonical_url("https://example.com/a?id=4")


def test_same_guid_same_link_and_update_reposts_are_duplicates():
    items = [
        Item("Orvanta lifts dividend", TEXT, T, "A", "https://a.example/orvanta", "a-1"),
        Item("Orvanta lifts dividend", TEXT, T + timedelta(minutes=5), "A", "https://a.example/orvanta-2", "a-1"),
        Item("Orvanta lifts dividend", TEXT, T, "A", "https://a.example/orvanta?utm_medium=feed", "a-9"),
        Item("Update: Orvanta lifts dividend", TEXT + " Shares rose 4%.", T + timedelta(hours=2), "A",
             "https://a.example/orvanta-update", "a-10"),
        Item("UPDATED - Orvanta lifts dividend", TEXT, T + timedelta(hours=3), "A", "https://a.example/x", "a-11"),
    ]
    assert dedupe(items) == [0, 0, 0, 0, 0]


def test_other_sources_and_other_stories_are_not_duplicates():
    items = [
        Item("Orvanta lifts dividend", TEXT, T, "A", "https://a.example/orvanta", "1"),
        Item("Orvanta lifts dividend", TEXT, T, "B", "https://b.example/orvanta", "1"),  # same guid, other feed
        Item("Morning briefing", "Telmaro cut 200 jobs.", T, "A", "https://a.example/brief-1", "2"),
        Item("Morning briefing", "Kaldera opened a plant in Linz.", T, "A", "https://a.example/brief-2", "3"),
    ]
    assert dedupe(items) == [0, 1, 2, 3]


def test_a_duplicate_lands_in_its_originals_cluster():
    items = [Item("Orvanta lifts dividend", TEXT, T, "A", "https://a.example/o", "1"),
             Item("Orvanta lifts dividend", TEXT, T, "A", "https://a.example/o?utm_source=x", "2")]
    assert cluster(items) == [[0, 1]]
