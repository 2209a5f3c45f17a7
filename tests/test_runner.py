import os
from datetime import date

import pytest

from pipeline import runner
from pipeline.context import StageContext
from pipeline.errors import StageError

DAY = date(2026, 11, 30)


def _ran(record):
    return record.ran()


def test_a_fresh_day_runs_every_stage(quick_config):
    record = runner.run_day(quick_config, DAY)
    assert _ran(record) == ["stories", "script", "voice", "mix", "publish"]
    assert record.outcome == "published"
    assert runner.history(quick_config, DAY)[-1]["outcome"] == "published"


def test_a_published_day_is_left_alone(quick_config):
    runner.run_day(quick_config, DAY)
    record = runner.run_day(quick_config, DAY)
    assert _ran(record) == [] and record.outcome == "already-published"


def test_resume_starts_at_the_first_missing_artifact(quick_config):
    runner.run_day(quick_config, DAY)
    workdir = quick_config.work_root / DAY.isoformat()
    (workdir / "episode.json").unlink()
    (workdir / "published.json").unlink()
    assert _ran(runner.run_day(quick_config, DAY)) == ["mix", "publish"]


def test_an_edited_script_is_newer_than_its_voicing_so_voice_reruns(quick_config):
    runner.run_day(quick_config, DAY)
    script = quick_config.work_root / DAY.isoformat() / "script.json"
    later = script.stat().st_mtime + 60
    os.utime(script, (later, later))
    assert _ran(runner.run_day(quick_config, DAY)) == ["voice", "mix", "publish"]


def test_from_stage_reruns_that_stage_and_every_later_one(quick_config):
    runner.run_day(quick_config, DAY)
    assert _ran(runner.run_day(quick_config, DAY, from_stage="voice")) == ["voice", "mix", "publish"]


def test_only_runs_one_stage(quick_config):
    assert _ran(runner.run_day(quick_config, DAY, only="stories")) == ["stories"]
    assert runner.history(quick_config, DAY)[-1]["outcome"] == "done"


def test_a_failed_stage_is_recorded_and_raised(quick_config):
    with pytest.raises(StageError, match="script.json is missing"):
        runner.run_day(quick_config, DAY, only="voice")
    last = runner.history(quick_config, DAY)[-1]
    assert last["outcome"] == "failed" and "script.json is missing" in last["error"]
    assert [s["status"] for s in last["stages"] if s["stage"] == "voice"] == ["failed"]


def test_a_hand_edit_that_breaks_the_script_names_the_line(quick_config):
    runner.run_day(quick_config, DAY, only="stories")
    runner.run_day(quick_config, DAY, only="script")
    path = quick_config.work_root / DAY.isoformat() / "script.json"
    path.write_text(path.read_text().replace('"speaker": "Shelby"', '"speaker": "Shelly"', 1))
    with pytest.raises(StageError, match=r"line 2: speaker 'Shelly' is not a host"):
        runner.run_day(quick_config, DAY, from_stage="voice")


def test_plan_is_empty_only_when_every_artifact_is_there(quick_config):
    ctx = StageContext(config=quick_config, date=DAY, now=__import__("datetime").datetime.now())
    assert [s.name for s in runner.plan(ctx)] == list(runner.STAGE_NAMES)
    runner.run_day(quick_config, DAY)
    assert runner.plan(ctx) == []


def test_an_edited_script_md_makes_the_voice_and_what_follows_stale(quick_config):
    runner.run_day(quick_config, DAY)
    ctx = StageContext(config=quick_config, date=DAY, now=__import__("datetime").datetime.now())
    md = ctx.path("script.md")
    md.write_text(md.read_text().replace("I'm Shelby", "I am Shelby", 1))
    later = ctx.path("published.json").stat().st_mtime_ns + 10**9
    os.utime(md, ns=(later, later))
    assert [s.name for s in runner.plan(ctx)] == ["voice", "mix", "publish"]
    record = runner.run_day(quick_config, DAY, force=False)
    assert record.outcome == "published"
    assert "I am Shelby" in ctx.path("transcript.vtt").read_text()  # the edit reached the episode
