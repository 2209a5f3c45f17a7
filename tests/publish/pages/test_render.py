"""The pages as a parser reads them: player, chapters, transcript, sources, escaping, links, words."""

from __future__ import annotations

import io
import logging
import shutil
from datetime import date, datetime, timedelta, timezone
from xml.etree import ElementTree

import pytest
import yaml

from pipeline.errors import ConfigError
from pipeline.mix import transcripts
from pipeline.models import Attachment, Episode, EpisodeIndex, PublishedSource, PublishedStory
from pipeline.publish import site
from pipeline.publish.feed import build_feed
from pipeline.publish.feed.podcastindex import PODCAST_NS
from pipeline.publish.pages import plan_site
from tests.conftest import REPO
from tests.publish.pages.markup import Page

HOSTILE = '<script>alert(1)</script> & "quotes" \'apos\' <img src=x onerror=alert(2)>'
DAY = date(2026, 11, 30)
LOG = logging.getLogger("dailycast")
CHAPTERS = ('{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"}, '
            '{"startTime": 8.5, "title": "<b>Batteries</b> & more", "url": "javascript:alert(3)"}, '
            '{"startTime": 20, "title": "Models", "url": "https://c.example/b?x=1&y=2"}, {"startTime": 32, "title": "Outro"}]}')
VTT = transcripts.to_vtt([transcripts.Cue(0.0, 4.0, "Oliver", "Good morning & welcome."),
                          transcripts.Cue(4.0, 8.5, "Shelby", f"Quote: {HOSTILE}"),
                          transcripts.Cue(8.5, 20.0, "Oliver", "Batteries."),
                          transcripts.Cue(20.0, 40.0, "Shelby", "Models.")])


def cover_upload():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1400, 1400), (200, 80, 40)).save(out, "JPEG")
    return site.upload("cover-0123456789.jpg", out.getvalue())


def episode(day: date = DAY, title: str = f"Nov 30, 2026: {HOSTILE} | Models", number: int = 3,
            attachments: bool = True) -> Episode:
    stem = f"episodes/{day}-abcdef0123"
    return Episode(
        date=day, guid=f"dailycast:test:{day}", title=title, audio_file=f"{stem}.mp3", audio_bytes=3_300_000,
        seconds=40.0, published_at=datetime(day.year, day.month, day.day, 6, tzinfo=timezone(timedelta(hours=1))),
        stories=[
            PublishedStory(title=HOSTILE, source="TechWire <b>bold</b>", url="javascript:alert(4)",
                           also_reported_by=[PublishedSource(source="FutureScope", title='A "quoted" & <i>tagged</i> one',
                                                             url="https://f.example/a?b=1&c=2")]),
            PublishedStory(title="Models", source="Circuit Daily", url="https://c.example/b"),
        ],
        writer="openai-secret-writer", voices={"Oliver": "piper:en_US-joe-medium", "Shelby": "tone:240Hz"},
        number=number,
        transcripts=[Attachment(file=f"{stem}.srt", type="application/x-subrip", bytes=10),
                     Attachment(file=f"{stem}.vtt", type="text/vtt", bytes=10)] if attachments else [],
        chapters=Attachment(file=f"{stem}.chapters.json", type="application/json+chapters", bytes=10)
        if attachments else None,
    )


def files_of(episodes: list[Episode]) -> dict[str, bytes]:
    found = {}
    for e in episodes:
        if e.chapters:
            found[e.chapters.file] = CHAPTERS.encode()
        for t in e.transcripts:
            found[t.file] = VTT.encode()
    return found


def render(config, episodes, previous=None, present=(), fetch=None, new_files=None):
    """The site plan; `new_files`: this publish's own uploads (not read from the target)."""
    stored = files_of(episodes)
    return plan_site(config, episodes, previous or EpisodeIndex(), cover_upload(), set(present), new_files or {},
                     fetch or stored.get, LOG)


def pages_of(plan) -> dict[str, Page]:
    return {upload.name: Page(upload.source) for upload in plan.pages}


@pytest.fixture
def three(config):
    episodes = [episode(DAY + timedelta(days=n), number=n + 1) for n in (2, 1, 0)]  # newest first
    return episodes, render(config, episodes)


def test_the_episode_page_has_the_player_with_the_mp3(config, three):
    page = pages_of(three[1])[f"episodes/{DAY + timedelta(days=1)}.html"]
    audio = page.one("audio", id="player")
    assert "controls" in audio["attrs"] and audio["attrs"]["preload"] == "metadata"
    assert audio["attrs"]["aria-label"].startswith("Episode audio: Nov 30, 2026: <script>")  # a label, as text
    [source] = page.inside(audio, "source")
    assert source["attrs"] == {"src": f"../episodes/{DAY + timedelta(days=1)}-abcdef0123.mp3", "type": "audio/mpeg"}
    [download] = [a for a in page.all("a") if "download" in a["attrs"]]
    assert download["attrs"]["href"] == source["attrs"]["src"]
    assert "3.1 MB" in page.text(page.one("p", class_="download"))


def test_chapters_link_to_their_time_and_carry_it_for_the_script(config, three):
    page = pages_of(three[1])[f"episodes/{DAY}.html"]
    nav = page.one("nav", class_="chapters")
    links = page.inside(nav, "a", class_="seek")
    assert [(a["attrs"]["data-start"], a["attrs"]["data-end"]) for a in links] == [
        ("0", "8.5"), ("8.5", "20"), ("20", "32"), ("32", "40")]
    assert [a["attrs"]["href"].split("#")[1] for a in links] == ["t=0", "t=8.5", "t=20", "t=32"]
    assert all(a["attrs"]["href"].startswith(f"../episodes/{DAY}-abcdef0123.mp3#") for a in links)
    assert [page.text(a) for a in links] == ["0:00 Intro", "0:08 <b>Batteries</b> & more", "0:20 Models", "0:32 Outro"]
    assert not page.all("b")  # the chapter title's tags are text


def test_the_transcript_has_every_cue_with_its_speaker_and_time(config, three):
    page = pages_of(three[1])[f"episodes/{DAY}.html"]
    cues = page.all("li", class_="cue")
    assert [c["attrs"]["data-start"] for c in cues] == ["0", "4", "8.5", "20"]
    assert [c["attrs"]["data-end"] for c in cues] == ["4", "8.5", "20", "40"]
    assert [page.text(page.inside(c, "span", class_="speaker")[0]) for c in cues] == ["Oliver", "Shelby", "Oliver", "Shelby"]
    assert page.text(page.inside(cues[1], "span", class_="text")[0]) == " ".join(f"Quote: {HOSTILE}".split())
    assert [page.inside(c, "a", class_="seek")[0]["attrs"]["href"].split("#")[1] for c in cues] == [
        "t=0", "t=4", "t=8.5", "t=20"]
    files = page.inside(page.one("p", class_="files"), "a")
    assert [(a["attrs"]["type"], page.text(a)) for a in files] == [("application/x-subrip", "SRT"), ("text/vtt", "WebVTT")]
    assert "hidden" in page.one("p", class_="hint")["attrs"]  # shown by the script only


def test_every_source_is_linked_and_only_by_http(config, three):
    page = pages_of(three[1])[f"episodes/{DAY}.html"]
    stories = page.all("article", class_="story")
    assert [page.text(page.inside(s, "h3")[0]) for s in stories] == [" ".join(HOSTILE.split()), "Models"]
    first = [page.text(li) for li in page.inside(stories[0], "li")]
    assert first == ["Reported by TechWire <b>bold</b>", 'Also reported by FutureScope: A "quoted" & <i>tagged</i> one']
    links = {page.text(a): a["attrs"]["href"] for s in stories for a in page.inside(s, "a")}
    assert links == {"FutureScope": "https://f.example/a?b=1&c=2", "Circuit Daily": "https://c.example/b"}
    every_href = [e["attrs"].get("href") or e["attrs"].get("src") or "" for e in page.elements]
    assert not [h for h in every_href if h.lower().lstrip().startswith(("javascript:", "data:"))]


def test_hostile_titles_stay_text_everywhere(config, three):
    for name, page in pages_of(three[1]).items():
        [script] = page.all("script")  # the site's own, nothing injected
        assert script["attrs"]["src"].endswith(".js") and script["attrs"]["src"].split("/")[-1].startswith("site-")
        assert not page.all("img", src="x") and not page.all("i"), name
        assert not [e for e in page.elements for key in e["attrs"] if key.startswith("on")], name
    page = pages_of(three[1])[f"episodes/{DAY}.html"]
    assert page.text(page.one("title")) == " ".join(f"Nov 30, 2026: {HOSTILE} | Models · The Daily Circuit".split())
    assert page.meta("og:title") == f"Nov 30, 2026: {HOSTILE} | Models · The Daily Circuit"
    assert page.text(page.one("h1")) == " ".join(f"Nov 30, 2026: {HOSTILE} | Models".split())
    index = pages_of(three[1])["index.html"]
    assert " ".join(HOSTILE.split()) in index.text(index.one("section", id="episodes"))


def test_open_graph_feed_link_and_neighbours(config, three):
    pages = pages_of(three[1])
    middle = pages[f"episodes/{DAY + timedelta(days=1)}.html"]
    assert middle.meta("og:type") == "article"
    assert middle.meta("og:url") == f"http://localhost:8000/episodes/{DAY + timedelta(days=1)}.html"
    assert middle.one("link", rel="canonical")["attrs"]["href"] == middle.meta("og:url")
    assert middle.meta("og:audio") == f"http://localhost:8000/episodes/{DAY + timedelta(days=1)}-abcdef0123.mp3"
    assert middle.meta("og:image") == "http://localhost:8000/cover-0123456789.jpg"  # the feed's cover, absolute
    assert middle.meta("article:published_time") == "2026-12-01T06:00:00+01:00"
    assert middle.meta("og:description") == f"{HOSTILE} · Models"
    rss = middle.one("link", rel="alternate")["attrs"]
    assert (rss["type"], rss["href"]) == ("application/rss+xml", "http://localhost:8000/feed.xml")
    assert middle.one("a", rel="next")["attrs"]["href"] == f"../episodes/{DAY + timedelta(days=2)}.html"
    assert middle.one("a", rel="prev")["attrs"]["href"] == f"../episodes/{DAY}.html"
    assert not pages[f"episodes/{DAY + timedelta(days=2)}.html"].all("a", rel="next")
    assert not pages[f"episodes/{DAY}.html"].all("a", rel="prev")
    assert middle.one("html")["attrs"]["lang"] == "en"
    for landmark in ("header", "main", "footer", "nav", "aside"):
        assert middle.all(landmark), landmark


def test_the_index_lists_the_episodes_and_how_to_subscribe(config, three):
    index = pages_of(three[1])["index.html"]
    cards = index.all("article", class_="episode-card")
    assert [index.inside(c, "a")[0]["attrs"]["href"] for c in cards] == [
        f"episodes/{DAY + timedelta(days=n)}.html" for n in (2, 1, 0)]
    assert [index.text(index.inside(c, "p", class_="meta")[0]) for c in cards][2] == \
        "Monday, November 30, 2026 · 0:40 · Episode 1"
    assert [index.text(li) for li in index.inside(cards[0], "li")] == [
        f"{' '.join(HOSTILE.split())} (TechWire <b>bold</b>)", "Models (Circuit Daily)"]
    feed = index.one("input", id="feed-url")["attrs"]
    assert (feed["value"], "readonly" in feed) == ("http://localhost:8000/feed.xml", True)
    assert index.one("label")["attrs"]["for"] == "feed-url"
    assert "hidden" in index.one("button", class_="copy")["attrs"]  # until the script can copy
    apps = {index.text(a): a["attrs"]["href"] for a in index.all("a", class_="app")}
    assert apps == {
        "Apple Podcasts iPhone, iPad, Mac": "pcast://localhost:8000/feed.xml",
        "Pocket Casts Android, iPhone": "pktc://subscribe/localhost:8000/feed.xml",
        "AntennaPod Android": "https://antennapod.org/deeplink/subscribe?url=http%3A%2F%2Flocalhost%3A8000%2Ffeed.xml"
                              "&title=The%20Daily%20Circuit",
        "Overcast iPhone, iPad": "overcast://x-callback-url/add?url=http%3A%2F%2Flocalhost%3A8000%2Ffeed.xml",
        "Other apps podcast://": "podcast://localhost:8000/feed.xml",
    }
    cover = index.one("img", class_="cover")["attrs"]
    assert cover["src"].startswith("cover-480-") and cover["alt"] == "The Daily Circuit cover art"
    assert index.meta("og:url") == "http://localhost:8000/index.html" and index.meta("og:type") == "website"
    assert index.text(index.one("p", class_="hosts")) == "Hosted by Oliver and Shelby."


def test_the_ai_disclosure_is_the_feeds_and_no_internal_name_is_shown(config, three):
    xml = build_feed(config, three[0], "cover-0123456789.jpg")
    disclosure = ElementTree.fromstring(xml).find(f"channel/{{{PODCAST_NS}}}txt").text
    for name, page in pages_of(three[1]).items():
        texts = [page.text(e) for e in page.all(class_="disclosure")] + [page.text(e) for e in page.all("aside")]
        assert disclosure in " ".join(texts), name
    for upload in three[1].pages:
        markup = upload.source.decode()
        for internal in ("openai-secret-writer", "piper", "joe-medium", "tone:", "extractive"):
            assert internal not in markup, (upload.name, internal)
        assert "built-in method" not in markup and "bound method" not in markup  # d.items and the like


def test_the_web_cover_is_small_and_the_assets_are_content_hashed(config, three):
    from PIL import Image

    files = {upload.name: upload for upload in three[1].files}
    [small] = [name for name in files if name.startswith("cover-480-")]
    with Image.open(io.BytesIO(files[small].source)) as image:
        assert (image.format, image.size) == ("JPEG", (480, 480))
    assert three[1].digests[small] == "cover-0123456789.jpg"  # made from that cover
    for kind in ("css", "js"):
        [name] = [n for n in files if n.startswith("site-") and n.endswith(f".{kind}")]
        assert files[name].source == (REPO / "site" / f"site.{kind}").read_bytes()
        assert files[name].cache_control == site.headers(name)[1] and "immutable" in files[name].cache_control


def test_more_than_twenty_episodes_list_the_earlier_ones_by_title(config):
    episodes = [episode(DAY - timedelta(days=n), title=f"Episode of day {n}", number=30 - n, attachments=False)
                for n in range(25)]
    index = pages_of(render(config, episodes))["index.html"]
    assert len(index.all("article", class_="episode-card")) == 20
    earlier = index.inside(index.one("ul", class_="earlier"), "a")
    assert [a["attrs"]["href"] for a in earlier] == [f"episodes/{DAY - timedelta(days=n)}.html" for n in range(20, 25)]


def test_an_episode_without_attachments_has_a_player_and_no_empty_sections(config):
    page = pages_of(render(config, [episode(attachments=False)]))[f"episodes/{DAY}.html"]
    assert page.one("audio", id="player")
    assert not page.all("nav", class_="chapters") and not page.all(class_="transcript") and not page.all(class_="files")


def test_a_dutch_show_gets_dutch_words(tmp_path, config):
    config.show.language = "nl"
    page = pages_of(render(config, [episode()]))[f"episodes/{DAY}.html"]
    assert page.one("html")["attrs"]["lang"] == "nl"
    assert page.text(page.one("h2", id="chapters-title")) == "Hoofdstukken"
    assert "maandag 30 november 2026" in page.text(page.one("p", class_="meta"))
    assert "Oliver en Shelby zijn synthetische stemmen" in page.text(page.one("aside"))


def test_every_language_has_the_same_words():
    keys = {path.stem: set(yaml.safe_load(path.read_text(encoding="utf-8"))) for path in (REPO / "site").glob("*.yaml")}
    assert set(keys) == {"en", "nl"} and keys["en"] == keys["nl"]


def test_a_template_naming_a_missing_variable_fails_before_publishing_and_names_it(tmp_path, config):
    folder = tmp_path / "site"
    shutil.copytree(REPO / "site", folder)
    (folder / "episode.html").write_text((folder / "episode.html").read_text().replace("{{ episode.title }}",
                                                                                     "{{ episode.subtitle }}"))
    config.site_dir = folder
    with pytest.raises(ConfigError, match=r"episode\.html: .*subtitle"):
        render(config, [episode()])
    config.site_dir = tmp_path / "nowhere"
    with pytest.raises(ConfigError, match="site_dir: .*nowhere: no such folder"):
        render(config, [episode()])
