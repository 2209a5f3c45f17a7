"""The review window: the run stops before publish, producers hear of it, it publishes at the deadline
unless held, and `approve` publishes it earlier."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest

from pipeline import runner
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.ops import review, status
from tests.conftest import show_config, write_config
from tests.loopback import WebhookReceiver, serve
from tests.ops.test_schedule import fake_clock  # noqa: F401 - a fixture

DAY = date(2026, 11, 30)


@pytest.fixture
def reviewed(tmp_path, tone_voices):
    got = WebhookReceiver()
    with serve(got) as url:
        config = load_config(write_config(tmp_path, show_config(
            tmp_path, hosts=tone_voices, review={"enabled": True},
            alerts={"urls": [url.replace("http://", "json://") + "/hook"]})))
        yield config, got


def _at(config, hour, minute):
    moment = datetime.combine(DAY, time(hour, minute), tzinfo=config.show.tz)
    return lambda: moment


def test_the_episode_waits_for_review_and_publishes_itself_at_the_deadline(reviewed):
    config, alerts = reviewed
    record = runner.run_day(config, DAY, trigger="schedule", clock=_at(config, 5, 30))
    assert record.outcome == "awaiting-review"
    assert (config.work_root / DAY.isoformat() / "episode.mp3").exists()
    assert not (config.publish_dir / "feed.xml").exists()
    (alert,) = alerts.received
    assert "ready for review" in alert["title"]
    assert "episode.mp3" in alert["message"] and "**Oliver:**" in alert["message"]
    assert f"dailycast hold --date {DAY}" in alert["message"]

    again = runner.run_day(config, DAY, trigger="schedule", clock=_at(config, 6, 0))
    assert again.outcome == "awaiting-review" and len(alerts.received) == 1, "one review alert per day"

    at_deadline = runner.run_day(config, DAY, trigger="schedule", clock=_at(config, 6, 28))
    assert at_deadline.outcome == "published" and at_deadline.ran() == ["publish"]
    assert at_deadline.late is False


def test_a_held_episode_does_not_publish_until_approved(reviewed, capsys):
    config, _ = reviewed
    runner.run_day(config, DAY, trigger="schedule", clock=_at(config, 5, 30))
    assert main(["--config", str(config.path), "hold", "--date", DAY.isoformat()]) == 0
    assert runner.run_day(config, DAY, trigger="schedule", clock=_at(config, 6, 28)).outcome == "held"
    assert not (config.publish_dir / "feed.xml").exists()
    assert status.collect(config)["review"] == {DAY.isoformat(): "held"}

    assert main(["--config", str(config.path), "approve", "--date", DAY.isoformat()]) == 0
    assert "Episode:" in capsys.readouterr().out
    assert (config.publish_dir / "feed.xml").exists()
    assert review.state(config, DAY) == review.APPROVED


def test_approve_publishes_before_the_deadline(reviewed):
    config, _ = reviewed
    runner.run_day(config, DAY, trigger="schedule", clock=_at(config, 5, 30))
    review.mark(config, DAY, review.APPROVED)
    record = runner.run_day(config, DAY, clock=_at(config, 5, 45))
    assert record.outcome == "published" and record.late is None, "a run by hand is never late"


def test_holding_a_published_day_is_refused(reviewed, capsys):
    config, _ = reviewed
    review.mark(config, DAY, review.APPROVED)
    runner.run_day(config, DAY, clock=_at(config, 5, 30))
    assert main(["--config", str(config.path), "hold", "--date", DAY.isoformat()]) == 1
    assert "already published" in capsys.readouterr().err


def test_the_scheduler_publishes_an_unheld_episode_at_the_deadline(tmp_path, tone_voices, fake_clock):
    from pipeline.ops import history
    from tests.ops.test_schedule import local, start_scheduler

    config_path = write_config(tmp_path, show_config(tmp_path, hosts=tone_voices, review={"enabled": True}))
    day = date(2027, 3, 2)
    fake_clock.set(local(day - timedelta(days=1), 12))
    scheduler = start_scheduler(fake_clock, config_path)
    assert {job.id for job in scheduler.get_jobs()} == {"daily-episode", "review-deadline"}
    scheduler.run_until(local(day, 12))
    scheduler.shutdown()
    config = load_config(config_path)
    runs = list(reversed(history.recent_runs(config)))
    assert [(r["outcome"], datetime.fromisoformat(r["started"]).astimezone(config.show.tz).strftime("%H:%M"))
            for r in runs] == [("awaiting-review", "05:30"), ("published", "06:28")]
    assert runs[-1]["late"] is False


def test_an_episode_far_under_its_length_is_held_until_approved_and_an_alert_says_why(tmp_path, tone_voices, news):
    from tests.fixtures import feeds

    short = "The harbour plan was approved."
    for name in ("a", "b"):
        news.serve(f"/{name}.xml", feeds.rss(
            feeds.item("Harbour plan approved", link=f"https://{name}.example/harbour", text=short),
            feeds.item("Stadium roof repaired", link=f"https://{name}.example/stadium", text="The roof is fixed.")))
    got = WebhookReceiver()
    with serve(got) as url:
        config = load_config(write_config(tmp_path, show_config(
            tmp_path, hosts=tone_voices, alerts={"urls": [url.replace("http://", "json://") + "/hook"]},
            sources=[{"name": "Wire A", "url": news.url("/a.xml")}, {"name": "Wire B", "url": news.url("/b.xml")}])))
        assert not config.review.enabled, "the hold needs no review window"
        record = runner.run_day(config, DAY, trigger="schedule", clock=_at(config, 5, 30))
        assert record.outcome == "held"
        assert not (config.publish_dir / "feed.xml").exists()
        (alert,) = got.received
        assert "held" in alert["title"] and "too short" in alert["title"]
        words = re.search(r"its script has (\d+) words, (\d+)% of the (\d+)", alert["message"])
        assert words and int(words[1]) < 0.4 * int(words[3]), alert["message"]
        assert f"dailycast approve --date {DAY}" in alert["message"]
        # The window would close at 06:28; a held episode waits for a person all the same.
        later = runner.run_day(config, DAY, trigger="schedule", clock=_at(config, 6, 28))
        assert later.outcome == "held" and len(got.received) == 1
        assert not (config.publish_dir / "feed.xml").exists()

        assert main(["--config", str(config.path), "approve", "--date", DAY.isoformat()]) == 0
    assert (config.publish_dir / "feed.xml").exists()
    assert review.state(config, DAY) == review.APPROVED


def test_an_episode_of_normal_length_is_not_held(quick_config):
    record = runner.run_day(quick_config, DAY)
    assert record.outcome == "published" and review.state(quick_config, DAY) is None
