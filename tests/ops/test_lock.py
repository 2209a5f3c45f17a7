"""One run per day: a concurrent run waits or exits clearly; a lock left by a dead process is taken over."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time as clock_time
from datetime import date

import feedparser
import pytest

from pipeline import runner
from pipeline.cli import EXIT_LOCKED, main
from pipeline.ops.lock import LockedError, RunLock, read_owner
from tests.conftest import ToneVoice

DAY = date(2026, 11, 30)


@pytest.fixture
def sluggish_voices(monkeypatch, tone_voices):
    """Tone voices that take a little real time per line, so two runs overlap."""
    from pipeline.voice.engines import VOICES

    class Sluggish(ToneVoice):
        def synthesize(self, text):
            clock_time.sleep(0.02)
            return super().synthesize(text)

    monkeypatch.setitem(VOICES, "tone", Sluggish)


def _items(config):
    return feedparser.parse((config.publish_dir / "feed.xml").read_bytes()).entries


def test_two_concurrent_runs_publish_one_episode(quick_config, sluggish_voices, caplog):
    caplog.set_level(logging.INFO, logger="dailycast")
    records, errors = [], []

    def make():
        try:
            records.append(runner.run_day(quick_config, DAY, lock_wait=120))
        except Exception as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=make) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not errors
    assert "waiting up to 120 s for the run holding" in caplog.text  # they did overlap: one waited
    assert sorted(r.outcome for r in records) == ["already-published", "published"]
    assert [e.id for e in _items(quick_config)] == [f"dailycast:the-daily-circuit:{DAY}"]


def test_a_second_run_that_does_not_wait_exits_with_the_owner_named(quick_config):
    lock_path = quick_config.work_root / DAY.isoformat() / runner.LOCK
    with RunLock(lock_path):
        with pytest.raises(LockedError, match=r"another run is making this day \(pid \d+, started .*--wait"):
            runner.run_day(quick_config, DAY)
        started = clock_time.monotonic()
        with pytest.raises(LockedError):
            runner.run_day(quick_config, DAY, lock_wait=0.5)
        assert clock_time.monotonic() - started >= 0.5
        assert main(["--config", str(quick_config.path), "run", "--date", DAY.isoformat()]) == EXIT_LOCKED
    assert runner.run_day(quick_config, DAY).outcome == "published"


def test_a_stale_lock_from_a_dead_process_is_taken_over(quick_config):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=30)
    lock_path = quick_config.work_root / DAY.isoformat() / runner.LOCK
    lock_path.parent.mkdir(parents=True)
    lock_path.write_text(f'{{"pid": {dead.pid}, "started": "2026-11-30T04:30:00+00:00", "host": "x"}}')
    record = runner.run_day(quick_config, DAY)
    assert record.outcome == "published"
    assert record.lock_taken_over_from == dead.pid
    assert read_owner(lock_path) is None, "a finished run leaves an empty lock file"
