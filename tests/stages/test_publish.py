from datetime import date

import pytest

from pipeline import runner
from pipeline.errors import DailycastError, StageError
from pipeline.stages import publish

DAY_ONE, DAY_TWO = date(2026, 11, 30), date(2026, 12, 1)


def test_a_failed_publish_leaves_the_feed_byte_identical(quick_config, monkeypatch):
    runner.run_day(quick_config, DAY_ONE)
    feed = quick_config.publish_dir / "feed.xml"
    before = feed.read_bytes()

    def broken(*args, **kwargs):
        raise DailycastError("feed builder exploded")

    monkeypatch.setattr(publish, "build_feed", broken)
    with pytest.raises(DailycastError):
        runner.run_day(quick_config, DAY_TWO)
    assert feed.read_bytes() == before
    assert not (quick_config.publish_dir / "episodes" / f"{DAY_TWO}.mp3").exists()
    assert not list(quick_config.publish_dir.rglob("*.tmp"))


def test_a_mix_that_does_not_match_its_record_is_not_published(quick_config):
    runner.run_day(quick_config, DAY_ONE, only="stories")
    for stage in ("script", "voice", "mix"):
        runner.run_day(quick_config, DAY_ONE, only=stage)
    mp3 = quick_config.work_root / DAY_ONE.isoformat() / "episode.mp3"
    mp3.write_bytes(mp3.read_bytes()[:-100])
    with pytest.raises(StageError, match="rerun the mix stage"):
        runner.run_day(quick_config, DAY_ONE, only="publish")
    assert not (quick_config.publish_dir / "feed.xml").exists()


def test_retention_keeps_the_newest_episodes_and_removes_older_audio(quick_config):
    quick_config.publish.retention = 1
    runner.run_day(quick_config, DAY_ONE)
    runner.run_day(quick_config, DAY_TWO)
    index = publish.load_index(quick_config)
    assert [e.date for e in index.episodes] == [DAY_TWO]
    assert not (quick_config.publish_dir / "episodes" / f"{DAY_ONE}.mp3").exists()
    assert (quick_config.publish_dir / "episodes" / f"{DAY_TWO}.mp3").exists()


def test_a_backfilled_day_is_dated_that_morning(quick_config):
    runner.run_day(quick_config, date(2020, 1, 6))
    [episode] = publish.load_index(quick_config).episodes
    assert episode.published_at.isoformat() == "2020-01-06T06:00:00+01:00"
