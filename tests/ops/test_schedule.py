"""The scheduler: APScheduler's own BaseScheduler, CronTrigger and SQLAlchemy job store, on a fake clock.

The seam: APScheduler reads the time through `datetime.now` in its scheduler and executor modules, and
the pipeline through `pipeline.clock.now`; both are pointed at one fake clock. A scheduler subclass
runs APScheduler's own `_process_jobs` (due jobs, coalesce, misfire grace, next fire times) in a loop
that jumps the clock to the wake-up time it returns, with the synchronous DebugExecutor, so a month
of mornings runs in seconds and every decision is APScheduler's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import BaseScheduler

from pipeline import runner
from pipeline.config import load_config
from pipeline.ops import history, schedule
from tests.conftest import REPO, ToneVoice, show_config, write_config
from tests.loopback import WebhookReceiver, serve

AMS = ZoneInfo("Europe/Amsterdam")
MAX_WAKEUPS = 10_000


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def set(self, moment: datetime) -> None:
        self.current = moment.astimezone(timezone.utc)

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


@pytest.fixture
def fake_clock(monkeypatch) -> FakeClock:
    clock = FakeClock(datetime(2027, 2, 28, 12, 0, tzinfo=timezone.utc))

    class FakeDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return clock.current.astimezone(tz) if tz else clock.current.astimezone().replace(tzinfo=None)

    import apscheduler.executors.base
    import apscheduler.schedulers.base

    monkeypatch.setattr(apscheduler.schedulers.base, "datetime", FakeDatetime)
    monkeypatch.setattr(apscheduler.executors.base, "datetime", FakeDatetime)
    monkeypatch.setattr("pipeline.clock.now", clock.now)
    return clock


class SimulatedScheduler(BaseScheduler):
    """BaseScheduler with its wait replaced by a jump of the fake clock to the next wake-up."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock

    def wakeup(self) -> None:
        pass

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)

    def run_until(self, end: datetime) -> None:
        for _ in range(MAX_WAKEUPS):
            wait = self._process_jobs()
            if wait is None:
                break
            wake = self.clock.now() + timedelta(seconds=wait)
            if wake >= end:
                break
            self.clock.current = max(wake, self.clock.now())
        else:
            raise AssertionError("the scheduler did not settle")
        self.clock.set(max(end, self.clock.now()))


def start_scheduler(clock: FakeClock, config_path: Path) -> SimulatedScheduler:
    scheduler = SimulatedScheduler(clock)
    schedule.configure(scheduler, load_config(config_path), config_path, job=runner.scheduled_run,
                       on_missed=runner.record_missed_run, executor=DebugExecutor())
    scheduler.start()
    return scheduler


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMS)


# ---------------------------------------------------------------------------------------------------
# The simulated month: March 2027. DST starts Sunday 28 March; Good Friday (26th) and Easter Monday
# (29th) are Dutch public holidays; the 12th is on the skip list.

MONTH = [date(2027, 3, 1) + timedelta(days=i) for i in range(31)]
SKIPPED = {date(2027, 3, 12): "skip list", date(2027, 3, 26): "Good Friday", date(2027, 3, 29): "Easter Monday"}
FAULTS = {
    date(2027, 3, 3): {"llm_down"},
    date(2027, 3, 4): {"source_500"},
    date(2027, 3, 9): {"slow_tts"},
    date(2027, 3, 17): {"llm_down", "slow_tts"},
    date(2027, 3, 23): {"machine_off_until_0605"},
    date(2027, 3, 30): {"slow_tts", "source_500"},
    date(2027, 3, 31): {"machine_off_until_0624", "llm_down"},
}
SLOW_TTS_SECONDS_PER_LINE = 600  # a TTS endpoint at its timeout on every line


@dataclass
class Month:
    clock: FakeClock
    config_path: Path
    feeds: Path
    alerts: WebhookReceiver
    requests: dict[str, list[date]] = field(default_factory=lambda: {"llm": [], "source": []})

    def faults(self) -> set[str]:
        return FAULTS.get(self.clock.now().astimezone(AMS).date(), set())


# Five turns of about thirty words: inside the writer's checks for a one-minute show (no names or
# numbers it could have invented), and short enough to voice in time on a slow-TTS day.
CANNED_SCRIPT = {"lines": [
    {"speaker": "Oliver", "text": "Good morning, this is The Daily Circuit, with the two stories that matter "
     "today. We keep to what was reported, we name our sources, and we tell you plainly what is still unknown.",
     "story": None},
    {"speaker": "Shelby", "text": "Our first story comes from the reporting we read this morning, and it is "
     "worth a careful look, because the people behind it say the change reaches far beyond their own company.",
     "story": 0},
    {"speaker": "Oliver", "text": "The reporting is careful about what comes next, and so are we. The plans are "
     "public, the timeline is not fixed, and the outlets we read expect more detail over the coming weeks.",
     "story": 0},
    {"speaker": "Shelby", "text": "Our second story is about what comes next for the people involved, and about "
     "the questions that the reporting leaves open for now, which we will follow as soon as there is more.",
     "story": 1},
    {"speaker": "Oliver", "text": "That is the show for today. Links to every source are in the show notes. "
     "Thanks for listening, and see you tomorrow morning for the next edition.", "story": None},
]}


@pytest.fixture
def month(tmp_path, tone_voices, fake_clock, monkeypatch):
    from pipeline.voice.engines import VOICES

    receiver = WebhookReceiver()
    recorded: dict[str, list[date]] = {"llm": [], "source": []}
    state: dict[str, Month] = {}

    class SlowToneVoice(ToneVoice):
        """A tone voice that takes ten (fake) minutes a line on a slow-TTS day."""

        name = "slowtone"

        def describe(self):
            return f"slowtone:{self.options.hz:g}Hz"

        def synthesize(self, text):
            if "slow_tts" in state["month"].faults():
                fake_clock.advance(SLOW_TTS_SECONDS_PER_LINE)
            return super().synthesize(text)

    monkeypatch.setitem(VOICES, "slowtone", SlowToneVoice)
    monkeypatch.setenv("DAILYCAST_SIM_KEY", "sk-simulated-secret-value")
    feed_xml = (REPO / "samples" / "techwire.xml").read_bytes()

    def llm(method, path, body):
        recorded["llm"].append(fake_clock.now().astimezone(AMS).date())
        if "llm_down" in state["month"].faults():
            return 503, "application/json", b'{"error": {"message": "overloaded"}}'
        answer = {"id": "sim", "object": "chat.completion", "created": 0, "model": "sim",
                  "choices": [{"index": 0, "finish_reason": "stop",
                               "message": {"role": "assistant", "content": json.dumps(CANNED_SCRIPT)}}]}
        return 200, "application/json", json.dumps(answer).encode()

    def source(method, path, body):
        recorded["source"].append(fake_clock.now().astimezone(AMS).date())
        if "source_500" in state["month"].faults():
            return 500, "text/plain", b"internal server error"
        return 200, "application/rss+xml", feed_xml

    with serve(llm) as llm_url, serve(source) as source_url, serve(receiver) as hook_url:
        data = show_config(
            tmp_path,
            hosts=[{"name": host["name"], "voice": {**host["voice"], "provider": "slowtone"},
                    "fallback_voice": host["voice"]} for host in tone_voices],
            script={"target_minutes": 1, "writers": [
                {"provider": "openai", "base_url": f"{llm_url}/v1", "model": "sim", "timeout_seconds": 5,
                 "api_key_env": "DAILYCAST_SIM_KEY"},
                "extractive"]},
            schedule={"public_holidays": "NL", "skip": ["2027-03-12"]},
            # The slow voice advances the fake clock, so it runs in this process; and the canned script is
            # the same every day, so the line cache would voice it once and hide every slow-TTS day.
            voicing={"workers": 1, "cache": False},
            alerts={"urls": [hook_url.replace("http://", "json://") + "/hook"]},
        )
        # Its items link to techwire.example: no article pages are fetched, the test stays on 127.0.0.1.
        data["sources"].append({"name": "Loopback Wire", "url": f"{source_url}/feed.xml", "fetch_articles": False})
        made = Month(fake_clock, write_config(tmp_path, data), tmp_path / "feeds", receiver, recorded)
        state["month"] = made
        yield made


def run_month(month: Month) -> None:
    clock = month.clock
    clock.set(local(date(2027, 2, 28), 12))
    scheduler = start_scheduler(clock, month.config_path)
    for day in MONTH:
        faults = FAULTS.get(day, set())
        boot = next((f for f in faults if f.startswith("machine_off_until_")), None)
        if boot:
            scheduler.run_until(local(day, 5, 0))
            scheduler.shutdown()
            hhmm = boot.rsplit("_", 1)[1]
            clock.set(local(day, int(hhmm[:2]), int(hhmm[2:])))
            scheduler = start_scheduler(clock, month.config_path)
        scheduler.run_until(local(day + timedelta(days=1), 0, 0))
    scheduler.shutdown()


def test_a_simulated_month_puts_every_workday_on_air_by_0630(month: Month):
    run_month(month)
    config = load_config(month.config_path)

    feed = feedparser.parse((month.feeds / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    items = {}
    for entry in feed.entries:
        items.setdefault(date.fromisoformat(entry.id.rsplit(":", 1)[1]), []).append(entry)
    workdays = [d for d in MONTH if d.weekday() < 5 and d not in SKIPPED]
    assert len(workdays) == 20
    assert sorted(items) == workdays, "an episode on every workday, none on weekends or skipped days"
    assert all(len(entries) == 1 for entries in items.values())
    for day, (entry,) in items.items():
        published = datetime(*entry.published_parsed[:6], tzinfo=timezone.utc)
        assert published < local(day, 6, 30), f"{day}: feed date {published.astimezone(AMS)}"

    runs = [r for r in history.recent_runs(config, limit=100) if r["trigger"] == "schedule"]
    by_day = {}
    for run in runs:
        by_day.setdefault(date.fromisoformat(run["date"]), []).append(run)
    published = {d: next(r for r in rs if r["outcome"] == "published") for d, rs in by_day.items()
                 if any(r["outcome"] == "published" for r in rs)}
    assert sorted(published) == workdays
    for day, run in published.items():
        finished = datetime.fromisoformat(run["finished"])
        assert finished < local(day, 6, 30) and run["late"] is False, f"{day} finished {finished.astimezone(AMS)}"
    assert {d for d, rs in by_day.items() if rs[0]["outcome"] == "skipped"} == set(SKIPPED)
    assert "Easter Monday" in by_day[date(2027, 3, 29)][0]["error"]
    assert not any(d.weekday() >= 5 for d in by_day), "the cron trigger never fires on a weekend"

    # DST: the run starts at the same wall-clock time after 28 March, an hour earlier in UTC.
    def start(day):
        return datetime.fromisoformat(published[day]["started"])

    assert start(date(2027, 3, 25)).astimezone(AMS).time() == start(date(2027, 3, 30)).astimezone(AMS).time()
    assert start(date(2027, 3, 25)).time() != start(date(2027, 3, 30)).time()
    # The machine that booted at 06:05 (misfire grace) and at 06:24 still made it. At 06:24 the fast
    # path's 10 minutes cannot make 06:30 either, so the full path runs (here, where only slow voices
    # move the clock, it is done at once).
    assert start(date(2027, 3, 23)).astimezone(AMS).time() == time(6, 5)
    assert start(date(2027, 3, 31)).astimezone(AMS).time() == time(6, 24)
    assert not published[date(2027, 3, 31)]["fast_path"]

    fast = {d for d, run in published.items() if run["fast_path"]}
    # On the 9th the short LLM script, slowly voiced, still finishes by 06:20: the guard lets it be.
    assert not published[date(2027, 3, 9)]["fast_path"]
    assert published[date(2027, 3, 9)]["voices"] == {"Oliver": "slowtone:150Hz", "Shelby": "slowtone:240Hz"}
    # On the 17th (a long offline script) and the 30th (a later start) it would not: the fallback voices take over.
    for day in (date(2027, 3, 17), date(2027, 3, 30)):
        assert day in fast
        assert published[day]["voices"] == {"Oliver": "tone:150Hz", "Shelby": "tone:240Hz"}
        assert any(f["stage"] == "voice" and "deadline" in f["reason"] for f in published[day]["fallbacks"])
    assert fast == {date(2027, 3, 17), date(2027, 3, 30)}, "no fast path without a cause"
    llm_down = {d for d, f in FAULTS.items() if "llm_down" in f}
    for day in llm_down:
        assert published[day]["writer"] == "extractive"
        # Each day the endpoint was asked (and failed), the run records the fallback from it.
        asked = day in month.requests["llm"]
        assert asked == any("openai" in f["reason"] for f in published[day]["fallbacks"]), day
    # The days that start on the normal path do ask the failing endpoint, and record why they fell back.
    for day in (date(2027, 3, 3), date(2027, 3, 17)):
        assert day in month.requests["llm"], day
        assert any("openai" in f["reason"] and "503" in f["reason"] for f in published[day]["fallbacks"]), day
    assert date(2027, 3, 31) in month.requests["llm"], "too late for the fast path: the full path asks the LLM"
    assert published[date(2027, 3, 1)]["writer"] == "openai"
    assert set(month.requests["source"]) >= {date(2027, 3, 4), date(2027, 3, 30)}
    assert not [a for a in month.alerts.received if a.get("type") == "failure"]

    on_time = sum(1 for run in published.values() if run["late"] is False)
    fallbacks = sum(1 for run in published.values() if run["fallbacks"])
    print(f"\nSIMULATED MONTH March 2027: workdays {len(workdays)}, published {len(published)}, on time {on_time}, "
          f"late {len(published) - on_time}, runs with fallbacks {fallbacks} (fast path {len(fast)}), "
          f"skipped days {len(SKIPPED)} ({', '.join(f'{d:%d %b} {w}' for d, w in SKIPPED.items())}), "
          f"weekend days {sum(1 for d in MONTH if d.weekday() >= 5)}")


# ---------------------------------------------------------------------------------------------------
# The pieces on their own.


@pytest.fixture
def holiday_config(tmp_path, tone_voices):
    return load_config(write_config(tmp_path, show_config(
        tmp_path, hosts=tone_voices, schedule={"public_holidays": "nl", "skip": ["2027-03-31"]})))


def test_the_next_run_skips_weekends_holidays_and_the_skip_list(holiday_config):
    good_friday_noon = local(date(2027, 3, 26), 12)
    assert schedule.skip_reason(holiday_config, date(2027, 3, 29)) == "public holiday: Easter Monday"
    assert schedule.next_run(holiday_config, good_friday_noon) == local(date(2027, 3, 30), 5, 30)
    assert schedule.next_run(holiday_config, local(date(2027, 3, 30), 6)) == local(date(2027, 4, 1), 5, 30)
    assert "Tue 2027-03-30 05:30 CEST (deadline 06:30, lead 60 min" in schedule.describe_next(
        holiday_config, good_friday_noon)


def test_cron_runs_are_limited_to_the_show_days(holiday_config):
    assert schedule.is_show_day(holiday_config, date(2027, 3, 5))  # Friday
    assert schedule.unscheduled_reason(holiday_config, date(2027, 3, 6)) == "not a show day (schedule.days: mon-fri)"
    assert schedule.unscheduled_reason(holiday_config, date(2027, 3, 29)) == "public holiday: Easter Monday"
    assert schedule.unscheduled_reason(holiday_config, date(2027, 3, 30)) is None


def test_the_start_time_keeps_its_wall_clock_time_across_dst(holiday_config):
    trigger = schedule.start_trigger(holiday_config)
    before = trigger.get_next_fire_time(None, local(date(2027, 3, 25), 12))
    after = trigger.get_next_fire_time(None, local(date(2027, 3, 29), 12))
    assert before.astimezone(timezone.utc).time() == time(4, 30)
    assert after.astimezone(timezone.utc).time() == time(3, 30)


def test_a_lead_time_past_midnight_is_a_clear_error(tmp_path, tone_voices):
    from pipeline.errors import ConfigError

    config = load_config(write_config(tmp_path, show_config(tmp_path, hosts=tone_voices,
                                                            schedule={"lead_minutes": 400})))
    with pytest.raises(ConfigError, match="starts before midnight"):
        schedule.start_trigger(config)


def test_a_run_missed_beyond_the_grace_time_is_recorded_and_alerted(tmp_path, tone_voices, fake_clock):
    receiver = WebhookReceiver()
    with serve(receiver) as hook:
        config_path = write_config(tmp_path, show_config(
            tmp_path, hosts=tone_voices, schedule={"misfire_grace_minutes": 60},
            alerts={"urls": [hook.replace("http://", "json://") + "/hook"]}))
        day = date(2027, 3, 2)
        fake_clock.set(local(day - timedelta(days=1), 12))
        scheduler = start_scheduler(fake_clock, config_path)
        scheduler.run_until(local(day, 5))
        scheduler.shutdown()
        fake_clock.set(local(day, 9))  # the machine was off from 05:00 to 09:00
        scheduler = start_scheduler(fake_clock, config_path)
        scheduler.run_until(local(day, 12))
        scheduler.shutdown()
    config = load_config(config_path)
    (run,) = history.recent_runs(config)
    assert run["date"] == "2027-03-02" and run["outcome"] == "missed" and "misfire grace" in run["error"]
    assert not (config.publish_dir / "feed.xml").exists()
    (alert,) = receiver.received
    assert alert["type"] == "failure" and "missed" in alert["title"]


def test_cron_runs_on_a_skipped_day_make_no_episode(tmp_path, tone_voices, capsys):
    from pipeline.cli import main

    today = datetime.now(AMS).date()
    config_path = write_config(tmp_path, show_config(tmp_path, hosts=tone_voices,
                                                     schedule={"skip": [today.isoformat()]}))
    assert main(["--config", str(config_path), "run", "--trigger", "cron"]) == 0
    assert "No show on" in capsys.readouterr().out
    assert not (tmp_path / "feeds" / "feed.xml").exists()
    (run,) = history.recent_runs(load_config(config_path))
    assert run["outcome"] == "skipped" and run["trigger"] == "cron"


def test_dailycast_schedule_started_by_hand_shows_the_next_run_and_stops_on_sigterm(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    config_path = write_config(tmp_path, show_config(tmp_path))
    process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "--config", str(config_path), "schedule"],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    import threading

    watchdog = threading.Timer(120, process.kill)  # bounds the readline()s below if the command hangs
    watchdog.start()
    try:
        first = process.stdout.readline()
        second = process.stdout.readline()
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
        watchdog.cancel()
    assert first.startswith("Next run: ") and "(deadline 06:30, lead 60 min" in first, (first, err)
    assert "Scheduler running" in second
    assert "Scheduler stopped." in out and process.returncode == 0, err
    assert (tmp_path / "work" / "schedule.sqlite").exists()
