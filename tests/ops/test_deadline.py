"""The deadline guard and the fast path: when to switch, what the fast path uses, what is recorded."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

import pytest

from pipeline import runner
from pipeline.config import load_config
from pipeline.errors import ProviderError
from pipeline.ops import history
from pipeline.ops.deadline import DeadlineGuard, DeadlineSwitch, deadline_for, lead_time
from tests.conftest import ToneVoice, show_config, write_config

DAY = date(2026, 11, 30)


def _guard(now, estimates=None, reserve_minutes=10):
    deadline = datetime(2026, 11, 30, 5, 30, tzinfo=timezone.utc)
    clock = {"now": now}
    return DeadlineGuard(deadline, lambda: clock["now"], estimates or {}, timedelta(minutes=reserve_minutes)), clock


def test_the_deadline_is_0630_amsterdam_in_winter_and_in_summer(quick_config):
    assert deadline_for(quick_config, date(2026, 11, 30)).astimezone(timezone.utc).time() == time(5, 30)
    assert deadline_for(quick_config, date(2027, 6, 1)).astimezone(timezone.utc).time() == time(4, 30)


def test_the_guard_switches_before_a_stage_when_the_usual_durations_do_not_fit():
    guard, clock = _guard(datetime(2026, 11, 30, 4, 30, tzinfo=timezone.utc), {"voice": 40 * 60, "mix": 60})
    assert guard.before(["voice", "mix"]) is None  # 41 min of 60, 10 in reserve
    clock["now"] += timedelta(minutes=15)
    assert "usually take 41.0 min, only 45.0 min left" in guard.before(["voice", "mix"])
    clock["now"] += timedelta(minutes=40)
    assert guard.before(["mix"]) is None, "5 min left: the fast path's 10 would miss it too"
    clock["now"] += timedelta(minutes=60)
    assert guard.before(["voice", "mix"]) is None, "past the deadline the full path goes on"


def test_the_guard_stops_a_slow_stage_one_step_before_the_reserve():
    guard, clock = _guard(datetime(2026, 11, 30, 5, 0, tzinfo=timezone.utc))
    guard.before(["voice"])
    for _ in range(2):  # 30, then 25 min left, steps of 5 min
        guard.during()
        clock["now"] += timedelta(minutes=5)
    guard.during()  # 20 left, a step takes 5: 15 after it
    clock["now"] += timedelta(minutes=5)
    guard.during()  # 15 left: 10 after the next step, still the reserve
    clock["now"] += timedelta(minutes=5)
    with pytest.raises(DeadlineSwitch, match="only 10.0 min left .* a step takes 5.0 min"):
        guard.during()


def test_the_guard_does_not_stop_a_slow_stage_when_the_fast_path_would_miss_the_deadline_too():
    guard, clock = _guard(datetime(2026, 11, 30, 5, 22, tzinfo=timezone.utc))  # 8 min left, 10 in reserve
    guard.before(["voice"])
    for _ in range(4):  # 8, 3, then -2 and -7 min left: switching can no longer make the deadline
        guard.during()
        clock["now"] += timedelta(minutes=5)


def test_lead_time_is_configured_default_or_learnt(tmp_path, tone_voices):
    def config(**schedule):
        return load_config(write_config(tmp_path, show_config(tmp_path, hosts=tone_voices, schedule=schedule)))

    assert lead_time(config(lead_minutes=45)) == timedelta(minutes=45)
    learnt = config()
    assert lead_time(learnt) == timedelta(minutes=60)  # no history yet
    for minutes in (20, 22, 25, 21):
        history.record_run(learnt, {
            "date": "2026-11-01", "trigger": "schedule", "started": "x", "outcome": "published",
            "stages": [{"stage": s, "status": "ran", "seconds": minutes * 60 / 5} for s in runner.STAGE_NAMES]})
    # the 90th percentile (about 24 min) plus the 15 min margin, rounded up to 5 minutes
    assert lead_time(learnt) == timedelta(minutes=40)


class BrokenVoice(ToneVoice):
    def synthesize(self, text):
        raise ProviderError("TTS endpoint answered 503")


@pytest.fixture
def broken_voice_config(tmp_path, tone_voices, monkeypatch):
    from pipeline.voice.engines import VOICES

    monkeypatch.setitem(VOICES, "broken", BrokenVoice)
    hosts = [{"name": h["name"], "voice": {**h["voice"], "provider": "broken"}, "fallback_voice": h["voice"]}
             for h in tone_voices]
    return load_config(write_config(tmp_path, show_config(tmp_path, hosts=hosts)))


def test_a_failing_voice_hands_its_lines_to_the_fallback_voice_and_says_why(broken_voice_config):
    """Line by line, without the fast path: the script and the other host's voice are kept."""
    record = runner.run_day(broken_voice_config, DAY)
    assert record.outcome == "published" and not record.fast_path
    assert [s.status for s in record.stages if s.stage == "voice"] == ["ran"]
    assert {f["stage"] for f in record.fallbacks} == {"voice"}
    assert [re.sub(r"lines [\d, ]+ ", "lines N ", f["reason"]) for f in record.fallbacks] == [
        f"lines N ({host}) spoken by the fallback voice: TTS endpoint answered 503" for host in ("Oliver", "Shelby")]
    assert record.voices == {"Oliver": "tone:150Hz", "Shelby": "tone:240Hz"}  # each host's own voice, as configured
    (run,) = history.recent_runs(broken_voice_config)
    assert not run["fast_path"] and run["fallbacks"][0]["stage"] == "voice" and run["published"]


def test_when_the_fast_path_fails_too_nothing_is_published(tmp_path, tone_voices, monkeypatch):
    from pipeline.voice.engines import VOICES

    monkeypatch.setitem(VOICES, "broken", BrokenVoice)
    hosts = [{"name": h["name"], "voice": {**h["voice"], "provider": "broken"}} for h in tone_voices]
    config = load_config(write_config(tmp_path, show_config(tmp_path, hosts=hosts)))
    with pytest.raises(ProviderError, match="503"):
        runner.run_day(config, DAY)
    assert not (config.publish_dir / "feed.xml").exists()
    (run,) = history.recent_runs(config)
    assert run["outcome"] == "failed" and not run["published"] and run["fast_path"]


def test_a_fallback_voice_is_validated_like_a_voice(tmp_path, tone_voices):
    from pipeline.errors import ConfigError

    hosts = [{**tone_voices[0], "fallback_voice": {"provider": "tone", "hertz": 3}}, tone_voices[1]]
    with pytest.raises(ConfigError, match=r"hosts\[0\].fallback_voice.hertz: unknown key"):
        load_config(write_config(tmp_path, show_config(tmp_path, hosts=hosts)))


@pytest.fixture
def two_voice_config(tmp_path, tone_voices):
    """Hosts whose fallback voices sound (and are named) otherwise: the voices say which path ran."""
    hosts = [{**h, "fallback_voice": {"provider": "tone", "hz": h["voice"]["hz"] + 30}} for h in tone_voices]
    return load_config(write_config(tmp_path, show_config(tmp_path, hosts=hosts)))


NORMAL_VOICES = {"Oliver": "tone:150Hz", "Shelby": "tone:240Hz"}
FAST_VOICES = {"Oliver": "tone:180Hz", "Shelby": "tone:270Hz"}


def _at(config, hour, minute):
    moment = datetime.combine(DAY, time(hour, minute), tzinfo=config.show.tz)
    return lambda: moment


@pytest.mark.parametrize("trigger, late", [("manual", None), ("cron", True), ("schedule", True)])
def test_after_the_deadline_a_run_takes_the_full_path_and_only_a_scheduled_one_is_late(
        two_voice_config, trigger, late, caplog):
    record = runner.run_day(two_voice_config, DAY, trigger=trigger, clock=_at(two_voice_config, 11, 34))
    assert record.outcome == "published" and not record.fast_path and record.fallbacks == []
    assert record.voices == NORMAL_VOICES
    assert record.late is late
    assert "fast path" not in caplog.text
    assert ("published late" in caplog.text) is bool(late)
    (run,) = history.recent_runs(two_voice_config)
    assert run["trigger"] == trigger and run["late"] is late


def test_with_less_left_than_the_fast_path_needs_the_full_path_runs(two_voice_config):
    record = runner.run_day(two_voice_config, DAY, trigger="schedule", clock=_at(two_voice_config, 6, 24))
    assert not record.fast_path and record.voices == NORMAL_VOICES
    assert record.late is False  # the fixed clock: the stages take no time here


def test_the_guard_still_switches_while_the_fast_path_can_make_the_deadline(two_voice_config):
    history.record_run(two_voice_config, {
        "date": "2026-11-27", "trigger": "schedule", "started": "x", "outcome": "published",
        "stages": [{"stage": s, "status": "ran", "seconds": 600} for s in runner.STAGE_NAMES]})
    record = runner.run_day(two_voice_config, DAY, trigger="schedule", clock=_at(two_voice_config, 6, 0))
    assert record.fast_path and record.voices == FAST_VOICES  # 50 min of usual stages, 30 left
    assert "usually take 50.0 min, only 30.0 min left" in record.fallbacks[0]["reason"]


def test_a_producer_asks_for_the_fast_path_with_fast(two_voice_config, capsys, monkeypatch):
    from pipeline.cli import main

    monkeypatch.setattr("pipeline.clock.now", _at(two_voice_config, 11, 34))
    assert main(["--config", str(two_voice_config.path), "run", "--fast"]) == 0
    out = capsys.readouterr().out
    assert "Fallback at stories: the producer asked for it (--fast)" in out and "Late" not in out
    (run,) = history.recent_runs(two_voice_config)
    assert run["fast_path"] and run["voices"] == FAST_VOICES and run["writer"] == "extractive"
    assert run["trigger"] == "manual" and run["late"] is None


def test_a_run_by_hand_after_the_deadline_says_nothing_of_lateness(quick_config, capsys, caplog, monkeypatch):
    from pipeline.cli import main

    today = datetime(2026, 12, 3, 11, 34, tzinfo=quick_config.show.tz)  # a Thursday, five hours after 06:30
    monkeypatch.setattr("pipeline.clock.now", lambda: today)
    assert main(["--config", str(quick_config.path), "run"]) == 0
    captured = capsys.readouterr()
    said = captured.out + captured.err + caplog.text
    assert "Episode:" in captured.out
    assert not re.search(r"late|deadline|fast path", said, re.IGNORECASE), said
