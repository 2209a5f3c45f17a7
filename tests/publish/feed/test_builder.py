import io
from datetime import date, datetime, timezone
from html.parser import HTMLParser
from xml.etree import ElementTree

import feedparser
import podcastparser
import pytest

from pipeline.models import Attachment, Episode, PublishedStory
from pipeline.publish.feed import build_feed
from pipeline.publish.feed.podcastindex import PODCAST_NS, PODCAST_NS_GITHUB, podcast_guid

HOSTILE = "Chips & <script>alert('x')</script> ]]> \U0001f680 \u05e9\u05dc\u05d5\u05dd \u202eevil"
FEED_URL = "http://localhost:8000/feed.xml"


def _episode(day: date, title: str = "A title", url: str | None = "https://news.example/a?x=1&y=2",
             story: str = HOSTILE, attachments: bool = False) -> Episode:
    stem = f"episodes/{day}-0123456789"
    return Episode(
        date=day, guid=f"dailycast:test:{day}", title=title, audio_file=f"{stem}.mp3", audio_bytes=1234,
        seconds=245.4, published_at=datetime(day.year, day.month, day.day, 5, 30, tzinfo=timezone.utc),
        stories=[PublishedStory(title=story, source="Src <b>", url=url)], writer="extractive", number=day.day,
        transcripts=[Attachment(file=f"{stem}.srt", type="application/x-subrip", bytes=10),
                     Attachment(file=f"{stem}.vtt", type="text/vtt", bytes=10)] if attachments else [],
        chapters=Attachment(file=f"{stem}.chapters.json", type="application/json+chapters", bytes=10)
        if attachments else None,
    )


def _text_of(html: str) -> str:
    parts: list[str] = []
    parser = HTMLParser(convert_charrefs=True)
    parser.handle_data = parts.append
    parser.feed(html)
    parser.close()
    return "".join(parts)


def test_the_same_episodes_give_a_byte_identical_feed(config):
    episodes = [_episode(date(2026, 11, 30)), _episode(date(2026, 12, 1))]
    assert build_feed(config, episodes, "cover-1.jpg") == build_feed(config, list(reversed(episodes)), "cover-1.jpg")


def test_newest_episode_first_and_last_build_date_from_it(config):
    parsed = feedparser.parse(build_feed(config, [_episode(date(2026, 11, 30)), _episode(date(2026, 12, 1))]))
    assert [e.id for e in parsed.entries] == ["dailycast:test:2026-12-01", "dailycast:test:2026-11-30"]
    assert parsed.feed.updated_parsed[:3] == (2026, 12, 1)


def test_hostile_text_is_valid_xml_and_reads_back_as_the_same_text(config):
    xml = build_feed(config, [_episode(date(2026, 11, 30), title=HOSTILE, url="https://e.example/?a=1&b=<2>")])
    root = ElementTree.fromstring(xml)  # well-formed
    item = root.find("channel/item")
    assert item.findtext("title") == HOSTILE
    for notes in (item.findtext("description"), item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")):
        assert HOSTILE in _text_of(notes)  # escaped once, so the HTML's text is the story's text
        assert "<script>" not in notes
        assert 'href="https://e.example/?a=1&amp;b=&lt;2&gt;"' in notes
    parsed = feedparser.parse(xml)
    assert not parsed.bozo
    assert parsed.entries[0].title == HOSTILE
    assert podcastparser.parse(FEED_URL, io.BytesIO(xml))["episodes"][0]["title"] == HOSTILE


def test_the_show_notes_end_on_the_episodes_credit_and_an_older_entry_never_shows_a_writers_name(config):
    credited = _episode(date(2026, 12, 1)).model_copy(update={"credit": "Made by AI <from> TechWire & co."})
    older = _episode(date(2026, 11, 30))  # published before episodes carried a credit
    items = ElementTree.fromstring(build_feed(config, [credited, older])).findall("channel/item")
    assert items[0].findtext("description").endswith("<p>Made by AI &lt;from&gt; TechWire &amp; co.</p>")
    assert _text_of(items[1].findtext("description")).endswith("This episode is AI-generated: written and voiced by AI "
                                                              "from the reporting above.")
    assert "extractive" not in items[1].findtext("description")


def test_control_characters_and_script_urls_from_the_web_are_dropped(config):
    xml = build_feed(config, [_episode(date(2026, 11, 30), title="A\x00B\x1bC", url="javascript:alert(1)",
                                       story="Bad\x08 bytes")])
    item = ElementTree.fromstring(xml).find("channel/item")
    assert item.findtext("title") == "ABC"
    assert "javascript:" not in item.findtext("description")
    assert "Bad bytes" in _text_of(item.findtext("description"))


def test_durations_are_whole_seconds_and_urls_absolute(config):
    item = feedparser.parse(build_feed(config, [_episode(date(2026, 11, 30))])).entries[0]
    assert item.itunes_duration == "245"
    assert item.enclosures[0].href == "http://localhost:8000/episodes/2026-11-30-0123456789.mp3"


def test_podcast_guid_follows_the_namespace_spec():
    # The spec's own example: https://mp3s.nashownotes.com/pc20rss.xml
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert podcast_guid("http://mp3s.nashownotes.com/pc20rss.xml/") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"


def test_feedparser_reads_every_channel_and_item_field(config):
    xml = build_feed(config, [_episode(date(2026, 11, 30), attachments=True)], "cover-abc.jpg")
    parsed = feedparser.parse(xml)
    assert not parsed.bozo
    channel = parsed.feed
    assert channel.title == "The Daily Circuit"
    assert channel.subtitle.startswith("Two AI hosts")
    assert channel.link == "http://localhost:8000/index.html"  # the show's page, named in full for buckets
    assert channel.language == "en"
    assert channel.author_detail.name == "Dailycast Newsroom"
    assert channel.publisher_detail == {"name": "Dailycast Newsroom", "email": "newsroom@example.org"}
    assert channel.image.href == "http://localhost:8000/cover-abc.jpg"
    assert [t.term for t in channel.tags] == ["News", "Tech News"]
    assert channel.itunes_type == "episodic"
    assert b"<itunes:explicit>false</itunes:explicit>" in xml
    assert {"rel": "self", "href": FEED_URL, "type": "application/rss+xml"}.items() <= \
        next(link for link in channel.links if link.rel == "self").items()
    assert channel.podcast_guid == podcast_guid(FEED_URL)
    assert channel.podcast_locked == {"owner": "newsroom@example.org"}
    assert channel.podcast_txt == {"purpose": "ai-content"}
    assert parsed.namespaces["podcast"] == PODCAST_NS

    [item] = parsed.entries
    assert item.id == "dailycast:test:2026-11-30" and item.guidislink is False
    assert item.title == "A title"
    assert item.link == "http://localhost:8000/episodes/2026-11-30.html"  # the episode's page
    assert item.published == "Mon, 30 Nov 2026 05:30:00 +0000"
    assert item.itunes_episode == "30"
    assert item.itunes_duration == "245"
    [enclosure] = item.enclosures
    assert (enclosure.href, enclosure.length, enclosure.type) == (
        "http://localhost:8000/episodes/2026-11-30-0123456789.mp3", "1234", "audio/mpeg")
    assert item.podcast_transcript == {"url": "http://localhost:8000/episodes/2026-11-30-0123456789.vtt",
                                       "type": "text/vtt", "language": "en"}
    assert item.podcast_chapters == {"url": "http://localhost:8000/episodes/2026-11-30-0123456789.chapters.json",
                                     "type": "application/json+chapters"}


def test_podcastparser_reads_every_channel_and_item_field(config):
    xml = build_feed(config, [_episode(date(2026, 11, 30), attachments=True)], "cover-abc.jpg")
    parsed = podcastparser.parse(FEED_URL, io.BytesIO(xml))
    assert parsed["title"] == "The Daily Circuit"
    assert parsed["link"] == "http://localhost:8000/index.html"
    assert parsed["description"].startswith("Two AI hosts")
    assert parsed["language"] == "en"
    assert parsed["cover_url"] == "http://localhost:8000/cover-abc.jpg"
    assert parsed["itunes_author"] == "Dailycast Newsroom"
    assert parsed["itunes_owner"] == {"name": "Dailycast Newsroom", "email": "newsroom@example.org"}
    assert parsed["itunes_categories"] == [["News", "Tech News"]]
    assert parsed["explicit"] is False
    assert parsed["type"] == "episodic"
    assert parsed["import_prohibited"] is True  # podcast:locked, read through the GitHub-form URI
    [episode] = parsed["episodes"]
    assert episode["guid"] == "dailycast:test:2026-11-30"
    assert episode["title"] == "A title"
    assert episode["link"] == "http://localhost:8000/episodes/2026-11-30.html"
    assert episode["published"] == int(datetime(2026, 11, 30, 5, 30, tzinfo=timezone.utc).timestamp())
    assert episode["total_time"] == 245
    assert episode["number"] == 30
    assert episode["type"] == "full"
    assert episode["explicit"] is False
    assert "Src &lt;b&gt;" in episode["description_html"]
    assert episode["enclosures"] == [{"url": "http://localhost:8000/episodes/2026-11-30-0123456789.mp3",
                                      "file_size": 1234, "mime_type": "audio/mpeg"}]
    assert episode["transcript_url"] == "http://localhost:8000/episodes/2026-11-30-0123456789.vtt"
    assert episode["chapters_json_url"] == "http://localhost:8000/episodes/2026-11-30-0123456789.chapters.json"


def test_both_namespace_uris_carry_the_same_transcripts_and_chapters(config):
    root = ElementTree.fromstring(build_feed(config, [_episode(date(2026, 11, 30), attachments=True)]))
    item = root.find("channel/item")
    for ns in (PODCAST_NS, PODCAST_NS_GITHUB):
        transcripts = [(t.get("type"), t.get("url")) for t in item.findall(f"{{{ns}}}transcript")]
        assert [kind for kind, _ in transcripts] == ["application/x-subrip", "text/vtt"]
        assert item.find(f"{{{ns}}}chapters").get("type") == "application/json+chapters"
    channel = root.find("channel")
    persons = channel.findall(f"{{{PODCAST_NS}}}person")
    assert [(p.text, p.get("role")) for p in persons] == [("Oliver", "host"), ("Shelby", "host")]
    assert channel.find(f"{{{PODCAST_NS}}}txt").text.startswith("This show is written and voiced by AI")
    # channel tags come before the items, as RSS readers expect
    tags = [child.tag for child in channel]
    assert tags.index(f"{{{PODCAST_NS}}}guid") < tags.index("item")


def test_a_configured_podcast_guid_survives_a_move_of_the_feed(config):
    config.show.podcast_guid = "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    config.publish.base_url = "https://elsewhere.example/show/"
    parsed = feedparser.parse(build_feed(config, [_episode(date(2026, 11, 30))]))
    assert parsed.feed.podcast_guid == "917393e3-1b1e-5cef-ace4-edaa54e1f810"


@pytest.mark.parametrize("explicit, text", [(True, b"true"), (False, b"false")])
def test_explicit_is_apples_true_or_false(config, explicit, text):
    config.show.explicit = explicit
    xml = build_feed(config, [_episode(date(2026, 11, 30))])
    assert xml.count(b"<itunes:explicit>" + text + b"</itunes:explicit>") == 2  # channel and item


def test_a_malformed_podcast_guid_is_a_config_error_naming_the_key(tmp_path):
    from pipeline.config import load_config
    from pipeline.errors import ConfigError
    from tests.conftest import show_config, write_config

    data = show_config(tmp_path, show={"podcast_guid": "not-a-uuid"})
    with pytest.raises(ConfigError, match="show.podcast_guid: Value error, must be a UUID"):
        load_config(write_config(tmp_path, data))
