import io
import json
import logging
from datetime import date
from xml.etree import ElementTree

import feedparser
import podcastparser
import pytest

from pipeline import runner
from pipeline.errors import DailycastError, StageError
from pipeline.models import EpisodeIndex
from pipeline.publish import stage as publish
from pipeline.publish.feed.podcastindex import PODCAST_NS
from pipeline.publish.targets import PublishError
from pipeline.publish.targets.local import LocalTarget

DAY_ONE, DAY_TWO = date(2026, 11, 30), date(2026, 12, 1)
CHAPTERS = {"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Hello"}, {"startTime": 1.5, "title": "Two"}]}
VTT = "WEBVTT\n\n00:00:00.400 --> 00:00:01.200\n<v Oliver>Good morning & welcome.\n"
SRT = "1\n00:00:00,400 --> 00:00:01,200\nOliver: Good morning & welcome.\n"


def _mixed(config, day):
    """A day made up to its mix, as the mix stage leaves it (with its chapters and transcripts)."""
    for stage in ("stories", "script", "voice", "mix"):
        runner.run_day(config, day, only=stage)
    return config.work_root / day.isoformat()


def _without_attachments(workdir):
    """As a work folder from before the mix made chapters and transcripts."""
    for name in ("chapters.json", "transcript.vtt", "transcript.srt"):
        (workdir / name).unlink()
    return workdir


def _attachments(workdir, chapters=CHAPTERS, vtt=VTT, srt=SRT):
    (workdir / "chapters.json").write_text(json.dumps(chapters), encoding="utf-8")
    (workdir / "transcript.vtt").write_text(vtt, encoding="utf-8")
    (workdir / "transcript.srt").write_text(srt, encoding="utf-8")


def _published(config):
    return sorted(p.relative_to(config.publish_dir).as_posix() for p in config.publish_dir.rglob("*") if p.is_file())


def test_a_failed_publish_leaves_the_feed_byte_identical(quick_config, monkeypatch):
    runner.run_day(quick_config, DAY_ONE)
    feed = quick_config.publish_dir / "feed.xml"
    before, files_before = feed.read_bytes(), _published(quick_config)

    def broken(*args, **kwargs):
        raise DailycastError("feed builder exploded")

    monkeypatch.setattr(publish, "build_feed", broken)
    with pytest.raises(DailycastError, match="feed builder exploded"):
        runner.run_day(quick_config, DAY_TWO)
    assert feed.read_bytes() == before
    assert _published(quick_config) == files_before  # nothing was uploaded before the feed was built
    assert not list(quick_config.publish_dir.rglob("*.tmp"))


@pytest.mark.parametrize("failing", ["feed.xml", "episodes.json", "index.html", ".html", ".chapters.json", ".mp3"])
def test_a_publish_that_fails_while_writing_leaves_the_feed_byte_identical(quick_config, monkeypatch, failing):
    runner.run_day(quick_config, DAY_ONE)
    feed = quick_config.publish_dir / "feed.xml"
    before = feed.read_bytes()
    _attachments(_mixed(quick_config, DAY_TWO))
    real_put = LocalTarget.put

    def put(self, upload):
        if upload.name.endswith(failing):
            raise PublishError(f"disk full while writing {upload.name}")
        real_put(self, upload)

    monkeypatch.setattr(LocalTarget, "put", put)
    with pytest.raises(PublishError, match="disk full"):
        runner.run_day(quick_config, DAY_TWO, only="publish")
    assert feed.read_bytes() == before
    index = publish.load_index(quick_config)
    for episode in index.episodes:  # everything the old feed points to is still there
        assert (quick_config.publish_dir / episode.audio_file).stat().st_size == episode.audio_bytes
    assert not list(quick_config.publish_dir.rglob("*.tmp"))

    monkeypatch.setattr(LocalTarget, "put", real_put)
    runner.run_day(quick_config, DAY_TWO, only="publish")  # the next run completes it
    assert len(feedparser.parse(feed.read_bytes()).entries) == 2


def test_a_mix_that_does_not_match_its_record_is_not_published(quick_config):
    mp3 = _mixed(quick_config, DAY_ONE) / "episode.mp3"
    mp3.write_bytes(mp3.read_bytes()[:-100])
    with pytest.raises(StageError, match="rerun the mix stage"):
        runner.run_day(quick_config, DAY_ONE, only="publish")
    assert not (quick_config.publish_dir / "feed.xml").exists()


def test_transcripts_and_chapters_are_published_verified_and_linked(quick_config):
    _attachments(_mixed(quick_config, DAY_ONE))
    runner.run_day(quick_config, DAY_ONE, only="publish")
    [episode] = publish.load_index(quick_config).episodes
    site = quick_config.publish_dir
    assert [t.type for t in episode.transcripts] == ["application/x-subrip", "text/vtt"]
    for attachment, text in zip(episode.transcripts + [episode.chapters], [SRT, VTT, json.dumps(CHAPTERS)]):
        assert (site / attachment.file).read_text(encoding="utf-8") == text
        assert attachment.bytes == len(text.encode())
        assert attachment.file.startswith(f"episodes/{DAY_ONE}-")
    xml = (site / "feed.xml").read_bytes()
    item = ElementTree.fromstring(xml).find("channel/item")
    urls = {t.get("type"): t.get("url") for t in item.findall(f"{{{PODCAST_NS}}}transcript")}
    assert urls == {t.type: f"http://localhost:8000/{t.file}" for t in episode.transcripts}
    assert item.find(f"{{{PODCAST_NS}}}chapters").get("url") == f"http://localhost:8000/{episode.chapters.file}"
    gpodder = podcastparser.parse("http://localhost:8000/feed.xml", io.BytesIO(xml))["episodes"][0]
    assert gpodder["chapters_json_url"] == f"http://localhost:8000/{episode.chapters.file}"
    assert gpodder["transcript_url"].endswith(".vtt")


def test_a_republish_renames_only_the_attachment_that_changed(quick_config):
    _attachments(_mixed(quick_config, DAY_ONE))
    runner.run_day(quick_config, DAY_ONE, only="publish")
    [old] = publish.load_index(quick_config).episodes
    (quick_config.work_root / DAY_ONE.isoformat() / "transcript.vtt").write_text(VTT + "\n", encoding="utf-8")
    runner.run_day(quick_config, DAY_ONE, from_stage="publish")
    [new] = publish.load_index(quick_config).episodes
    site = quick_config.publish_dir
    old_files = {t.type: t.file for t in old.transcripts}
    new_files = {t.type: t.file for t in new.transcripts}
    assert new_files["application/x-subrip"] == old_files["application/x-subrip"]  # unchanged: same name
    assert new_files["text/vtt"] != old_files["text/vtt"]
    assert not (site / old_files["text/vtt"]).exists() and (site / new_files["text/vtt"]).exists()
    assert new.audio_file == old.audio_file and new.guid == old.guid


def test_an_older_work_folder_without_attachments_still_publishes(quick_config):
    _without_attachments(_mixed(quick_config, DAY_ONE))
    runner.run_day(quick_config, DAY_ONE, only="publish")
    [episode] = publish.load_index(quick_config).episodes
    assert episode.transcripts == [] and episode.chapters is None
    assert f"{{{PODCAST_NS}}}transcript".encode() not in (quick_config.publish_dir / "feed.xml").read_bytes()
    assert b"podcast:transcript" not in (quick_config.publish_dir / "feed.xml").read_bytes()


def test_a_damaged_attachment_is_left_out_and_named(quick_config, caplog):
    workdir = _mixed(quick_config, DAY_ONE)
    _attachments(workdir, vtt="not a vtt\n")
    (workdir / "chapters.json").write_text('{"chapters": [', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="dailycast"):
        runner.run_day(quick_config, DAY_ONE, only="publish")
    [episode] = publish.load_index(quick_config).episodes
    assert [t.type for t in episode.transcripts] == ["application/x-subrip"]
    assert episode.chapters is None
    assert "transcript.vtt: not WebVTT" in caplog.text
    assert "chapters.json: not JSON" in caplog.text


def test_the_cover_is_published_and_the_feed_points_to_it(quick_config):
    runner.run_day(quick_config, DAY_ONE)
    index = publish.load_index(quick_config)
    assert index.cover_file.startswith("cover-") and index.cover_file.endswith(".jpg")
    from PIL import Image

    with Image.open(quick_config.publish_dir / index.cover_file) as cover:
        assert (cover.format, cover.mode, cover.size) == ("JPEG", "RGB", (3000, 3000))
    parsed = podcastparser.parse("http://localhost:8000/feed.xml",
                                 io.BytesIO((quick_config.publish_dir / "feed.xml").read_bytes()))
    assert parsed["cover_url"] == f"http://localhost:8000/{index.cover_file}"


def test_a_corrected_rerun_keeps_the_guid_renames_the_audio_and_removes_the_old_file(quick_config):
    _attachments(_mixed(quick_config, DAY_ONE))
    runner.run_day(quick_config, DAY_ONE, only="publish")
    runner.run_day(quick_config, DAY_TWO)
    first = {e.date: e for e in publish.load_index(quick_config).episodes}

    quick_config.mix.pause_ms = 600  # a correction: the same day, different audio and cue times
    runner.run_day(quick_config, DAY_ONE, force=True)
    second = {e.date: e for e in publish.load_index(quick_config).episodes}

    old, new = first[DAY_ONE], second[DAY_ONE]
    assert (new.guid, new.number, new.published_at) == (old.guid, old.number, old.published_at)
    assert new.audio_file != old.audio_file and new.audio_bytes != old.audio_bytes
    site = quick_config.publish_dir
    assert (site / new.audio_file).stat().st_size == new.audio_bytes
    assert not (site / old.audio_file).exists()
    for old_file, new_file in zip(old.transcripts, new.transcripts):  # re-timed transcripts, new names
        assert new_file.file != old_file.file
        assert (site / new_file.file).exists() and not (site / old_file.file).exists()
    assert second[DAY_TWO] == first[DAY_TWO]
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert [e.id for e in parsed.entries] == [first[DAY_TWO].guid, old.guid]  # no duplicate
    assert parsed.entries[1].enclosures[0].href == f"http://localhost:8000/{new.audio_file}"
    referenced = publish.referenced(publish.load_index(quick_config))
    assert set(_published(quick_config)) == referenced | {"feed.xml", "episodes.json"}


def test_a_failed_cleanup_after_the_feed_is_a_warning_and_the_next_publish_tidies_up(quick_config, monkeypatch,
                                                                                      caplog):
    runner.run_day(quick_config, DAY_ONE)
    old = publish.load_index(quick_config).episodes[0].audio_file

    def refuse(self, name):
        raise PublishError(f"permission denied: {name}")

    real_delete = LocalTarget.delete
    monkeypatch.setattr(LocalTarget, "delete", refuse)
    quick_config.mix.pause_ms = 600
    with caplog.at_level(logging.WARNING, logger="dailycast"):
        runner.run_day(quick_config, DAY_ONE, force=True)
    new = publish.load_index(quick_config).episodes[0].audio_file
    assert "could not remove files the feed no longer uses" in caplog.text
    assert new.encode() in (quick_config.publish_dir / "feed.xml").read_bytes()
    assert (quick_config.publish_dir / old).exists()

    monkeypatch.setattr(LocalTarget, "delete", real_delete)
    runner.run_day(quick_config, DAY_TWO)
    assert not (quick_config.publish_dir / old).exists()
    assert (quick_config.publish_dir / new).exists()


def test_a_forced_rerun_with_the_same_audio_changes_nothing(quick_config):
    runner.run_day(quick_config, DAY_ONE)
    feed = (quick_config.publish_dir / "feed.xml").read_bytes()
    runner.run_day(quick_config, DAY_ONE, force=True)
    assert (quick_config.publish_dir / "feed.xml").read_bytes() == feed


def test_episodes_are_numbered_once_and_older_indexes_still_read(quick_config):
    runner.run_day(quick_config, DAY_ONE)
    path = quick_config.publish_dir / "episodes.json"
    raw = json.loads(path.read_text())
    for episode in raw["episodes"]:  # an index as the first release wrote it
        for key in ("number", "transcripts", "chapters"):
            episode.pop(key)
    raw.pop("cover_file")
    path.write_text(json.dumps(raw))
    assert EpisodeIndex.model_validate(raw).episodes[0].number is None

    runner.run_day(quick_config, DAY_TWO)
    numbers = {e.date: e.number for e in publish.load_index(quick_config).episodes}
    assert numbers == {DAY_ONE: 1, DAY_TWO: 2}


def test_a_damaged_index_is_named(quick_config):
    runner.run_day(quick_config, DAY_ONE)
    (quick_config.publish_dir / "episodes.json").write_text('{"episodes": [{"date": "yesterday"}]}')
    with pytest.raises(StageError, match="episodes.json: the published episode index is damaged"):
        runner.run_day(quick_config, DAY_TWO)


def test_retention_keeps_the_newest_episodes_and_removes_older_audio(quick_config):
    quick_config.publish.retention = 1
    runner.run_day(quick_config, DAY_ONE)
    old_audio = publish.load_index(quick_config).episodes[0].audio_file
    runner.run_day(quick_config, DAY_TWO)
    index = publish.load_index(quick_config)
    assert [e.date for e in index.episodes] == [DAY_TWO]
    assert not (quick_config.publish_dir / old_audio).exists()
    assert (quick_config.publish_dir / index.episodes[0].audio_file).exists()


def test_a_backfilled_day_is_dated_that_morning(quick_config):
    runner.run_day(quick_config, date(2020, 1, 6))
    [episode] = publish.load_index(quick_config).episodes
    assert episode.published_at.isoformat() == "2020-01-06T06:00:00+01:00"


def test_the_show_notes_say_how_the_episode_was_made_in_plain_words(quick_config):
    runner.run_day(quick_config, DAY_ONE)
    item = ElementTree.parse(quick_config.publish_dir / "feed.xml").getroot().find("channel/item")
    notes = item.findtext("description")
    assert "This episode is AI-generated: Oliver and Shelby are synthetic voices." in notes
    assert "They read and discuss quoted reporting from TechWire" in notes
    assert not any(internal in notes for internal in ("extractive", "tone:", "piper", "Written by"))
    channel = ElementTree.parse(quick_config.publish_dir / "feed.xml").getroot().find("channel")
    assert channel.find(f"{{{PODCAST_NS}}}txt").text.startswith("This show is written and voiced by AI")
