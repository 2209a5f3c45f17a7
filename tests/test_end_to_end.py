"""The whole show on the bundled samples, through the CLI, with the real voice, ffmpeg and feed.

One module fixture makes the days once (each run synthesizes about four minutes of speech) and the
tests check what a listener and a producer would see after each step.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import feedparser
import podcastparser
import pytest

from pipeline import audio
from pipeline.cli import main
from pipeline.config import load_config
from tests.conftest import published_audio, show_config, write_config

DAY_ONE, DAY_TWO = "2026-11-30", "2026-12-01"
pytestmark = pytest.mark.slow


@dataclass
class Show:
    root: Path
    config_path: Path
    feeds: Path
    work: Path
    snapshots: dict[str, bytes] = field(default_factory=dict)
    guids: dict[str, list[str]] = field(default_factory=dict)
    mp3_sizes: dict[str, int] = field(default_factory=dict)

    def run(self, *args: str) -> int:
        return main(["--config", str(self.config_path), "run", *args])

    def feed(self) -> bytes:
        return (self.feeds / "feed.xml").read_bytes()

    def last_run(self, day: str) -> dict:
        lines = (self.work / day / "runs.jsonl").read_text().splitlines()
        return json.loads(lines[-1])


@pytest.fixture(scope="module")
def show(tmp_path_factory) -> Show:
    root = tmp_path_factory.mktemp("show")
    config_path = write_config(root, show_config(root))
    made = Show(root, config_path, root / "feeds", root / "work")

    assert made.run("--date", DAY_ONE) == 0
    made.snapshots["one"] = made.feed()
    made.mp3_sizes["one"] = published_audio(load_config(config_path), DAY_ONE).stat().st_size

    assert made.run("--date", DAY_ONE) == 0  # already published: nothing happens
    made.snapshots["again"] = made.feed()

    assert made.run("--date", DAY_TWO) == 0
    made.snapshots["two"] = made.feed()

    assert made.run("--date", DAY_ONE, "--force") == 0
    made.snapshots["forced"] = made.feed()

    (made.work / DAY_TWO / "episode.mp3").unlink()
    assert made.run("--date", DAY_TWO, "--from-stage", "mix") == 0
    made.snapshots["resumed"] = made.feed()
    return made


def _items(feed: bytes) -> list:
    parsed = feedparser.parse(feed)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed.entries


def test_the_episode_decodes_and_lasts_at_least_two_minutes(show: Show):
    samples, rate = audio.decode(published_audio(load_config(show.config_path), DAY_ONE))
    assert rate == 44100
    assert len(samples) / rate >= 120
    assert abs(samples).max() > 0.1  # speech, not silence


def test_feedparser_reads_the_channel_and_the_item(show: Show):
    parsed = feedparser.parse(show.snapshots["one"])
    assert not parsed.bozo
    channel = parsed.feed
    assert channel.title == "The Daily Circuit"
    assert channel.language == "en"
    assert channel.author_detail.name == "Dailycast Newsroom"
    assert channel.tags[0].term == "News"
    assert not channel.itunes_explicit  # feedparser maps anything but "yes" to a falsy value
    assert b"<itunes:explicit>false</itunes:explicit>" in show.snapshots["one"]  # Apple's current form
    [item] = parsed.entries
    assert item.id == f"dailycast:the-daily-circuit:{DAY_ONE}"
    assert item.guidislink is False
    assert "Norvik Energy" in item.title
    assert item.published_parsed is not None
    assert int(item.itunes_duration) >= 120
    [enclosure] = item.enclosures
    assert enclosure.type == "audio/mpeg"
    assert enclosure.href.startswith(f"http://localhost:8000/episodes/{DAY_ONE}-")
    assert int(enclosure.length) == show.mp3_sizes["one"]


def test_podcastparser_reads_the_feed(show: Show):
    parsed = podcastparser.parse("http://localhost:8000/feed.xml", _stream(show.snapshots["one"]))
    assert parsed["title"] == "The Daily Circuit"
    [episode] = parsed["episodes"]
    assert episode["guid"] == f"dailycast:the-daily-circuit:{DAY_ONE}"
    assert episode["total_time"] >= 120
    assert episode["published"] > 0
    [enclosure] = episode["enclosures"]
    assert enclosure["file_size"] == show.mp3_sizes["one"]
    assert enclosure["mime_type"] == "audio/mpeg"


def test_every_url_in_the_feed_is_absolute(show: Show):
    parsed = feedparser.parse(show.snapshots["two"])
    urls = [link.href for link in parsed.feed.links]
    urls += [enclosure.href for item in parsed.entries for enclosure in item.enclosures]
    assert urls and all(url.startswith("http://localhost:8000/") for url in urls)


def test_the_enclosure_length_is_the_published_file_size(show: Show):
    for item in _items(show.snapshots["resumed"]):
        [enclosure] = item.enclosures
        published = show.feeds / enclosure.href.removeprefix("http://localhost:8000/")
        assert int(enclosure.length) == published.stat().st_size


def test_a_published_day_is_not_made_again_without_force(show: Show):
    assert show.snapshots["again"] == show.snapshots["one"]
    assert show.last_run(DAY_ONE)["outcome"] in {"published"}  # the forced rerun is the last one now
    runs = [json.loads(line) for line in (show.work / DAY_ONE / "runs.jsonl").read_text().splitlines()]
    assert runs[1]["outcome"] == "already-published"
    assert all(stage["status"] == "skipped" for stage in runs[1]["stages"])


def test_a_second_day_adds_an_item_and_keeps_the_first(show: Show):
    items = _items(show.snapshots["two"])
    assert [item.id.rsplit(":", 1)[1] for item in items] == [DAY_TWO, DAY_ONE]
    first_before = _items(show.snapshots["one"])[0]
    assert items[1].id == first_before.id
    assert items[1].enclosures[0].length == first_before.enclosures[0].length


def test_force_keeps_one_item_per_day_with_the_same_guid(show: Show):
    before = {item.id: item for item in _items(show.snapshots["two"])}
    after = _items(show.snapshots["forced"])
    assert sorted(item.id for item in after) == sorted(before)
    forced = next(item for item in after if item.id.endswith(DAY_ONE))
    assert forced.published == before[forced.id].published  # a correction keeps its place in the feed
    assert show.last_run(DAY_ONE)["outcome"] == "published"
    assert {stage["stage"] for stage in show.last_run(DAY_ONE)["stages"] if stage["status"] == "ran"} == {
        "stories", "script", "voice", "mix", "publish"}


def test_resume_from_mix_runs_only_mix_and_publish(show: Show):
    record = show.last_run(DAY_TWO)
    assert [s["stage"] for s in record["stages"] if s["status"] == "ran"] == ["mix", "publish"]
    assert [s["stage"] for s in record["stages"] if s["status"] == "skipped"] == ["stories", "script", "voice"]
    assert (show.work / DAY_TWO / "episode.mp3").exists()
    assert len(_items(show.snapshots["resumed"])) == 2


def test_the_work_folder_holds_every_artifact(show: Show):
    day = show.work / DAY_ONE
    for name in ["stories.json", "script.json", "script.md", "lines/manifest.json", "episode.mp3", "episode.json",
                 "published.json"]:
        assert (day / name).is_file(), name
    assert not list(day.rglob("*.tmp")), "a temporary file was left behind"
    config = load_config(show.config_path)
    assert config.work_root == show.work


def _stream(data: bytes):
    import io

    return io.BytesIO(data)
