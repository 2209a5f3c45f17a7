from datetime import date, datetime, timezone
from xml.etree import ElementTree

import feedparser

from pipeline.feed import build_feed
from pipeline.models import Episode, PublishedStory

HOSTILE = "Chips & <script>alert('x')</script> ]]> \U0001f680 \u05e9\u05dc\u05d5\u05dd"


def _episode(day: date, title: str = "A title", url: str | None = "https://news.example/a?x=1&y=2") -> Episode:
    return Episode(
        date=day, guid=f"dailycast:test:{day}", title=title, audio_file=f"episodes/{day}.mp3", audio_bytes=1234,
        seconds=245.4, published_at=datetime(day.year, day.month, day.day, 5, 30, tzinfo=timezone.utc),
        stories=[PublishedStory(title=HOSTILE, source="Src <b>", url=url)], writer="extractive",
    )


def test_the_same_episodes_give_a_byte_identical_feed(config):
    episodes = [_episode(date(2026, 11, 30)), _episode(date(2026, 12, 1))]
    assert build_feed(config, episodes) == build_feed(config, list(reversed(episodes)))


def test_newest_episode_first_and_last_build_date_from_it(config):
    parsed = feedparser.parse(build_feed(config, [_episode(date(2026, 11, 30)), _episode(date(2026, 12, 1))]))
    assert [e.id for e in parsed.entries] == ["dailycast:test:2026-12-01", "dailycast:test:2026-11-30"]
    assert parsed.feed.updated_parsed[:3] == (2026, 12, 1)


def test_hostile_text_stays_text(config):
    xml = build_feed(config, [_episode(date(2026, 11, 30), title=HOSTILE)])
    ElementTree.fromstring(xml)  # well-formed
    parsed = feedparser.parse(xml)
    assert not parsed.bozo
    item = parsed.entries[0]
    assert item.title == HOSTILE
    assert "<script>" not in item.summary  # sanitized by the client, escaped by us
    assert "https://news.example/a?x=1&amp;y=2" in xml.decode() or "x=1&amp;amp;y=2" in xml.decode()


def test_durations_are_whole_seconds_and_urls_absolute(config):
    item = feedparser.parse(build_feed(config, [_episode(date(2026, 11, 30))])).entries[0]
    assert item.itunes_duration == "245"
    assert item.enclosures[0].href == "http://localhost:8000/episodes/2026-11-30.mp3"
