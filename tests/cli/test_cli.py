import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pipeline.cli import main
from tests.conftest import show_config, write_config


@pytest.mark.parametrize("command", [[], ["run"], ["stories"], ["script"], ["voice"], ["mix"], ["publish"]])
def test_every_command_has_help(command, capsys):
    assert main(command + ["--help"]) == 0
    assert "Usage: dailycast" in capsys.readouterr().out


@pytest.mark.parametrize(
    "sections, message",
    [
        ({"mix": {"pause_msec": 300}}, "mix.pause_msec: unknown key"),
        ({"script": {"target_minutes": "four"}}, "script.target_minutes: Input should be a valid number"),
        (
            {"script": {"writers": [{"provider": "openai", "model": "m", "api_key_env": "DAILYCAST_UNSET_KEY"}]}},
            "script.writers[0].api_key_env: environment variable DAILYCAST_UNSET_KEY is not set",
        ),
    ],
    ids=["unknown-key", "bad-type", "missing-secret"],
)
def test_config_errors_exit_2_with_the_key_named(tmp_path: Path, capsys, monkeypatch, sections, message):
    monkeypatch.delenv("DAILYCAST_UNSET_KEY", raising=False)
    path = write_config(tmp_path, show_config(tmp_path, **sections))
    assert main(["--config", str(path), "run", "--date", "2026-11-30"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"config error: {path}: {message}")
    assert "Traceback" not in err


def test_a_bad_date_is_a_usage_error(config_path: Path, capsys):
    assert main(["--config", str(config_path), "run", "--date", "30-11-2026"]) == 2
    assert "--date" in capsys.readouterr().err


def test_a_stage_without_its_input_fails_with_exit_1(config_path: Path, capsys):
    assert main(["--config", str(config_path), "mix", "--date", "2026-11-30"]) == 1
    assert "script.json is missing" in capsys.readouterr().err


def test_the_console_script_exits_2_without_a_traceback(tmp_path: Path):
    path = write_config(tmp_path, show_config(tmp_path, mix={"pause_msec": 300}))
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "--config", str(path), "run"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "mix.pause_msec: unknown key" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_ends_by_printing_where_the_episode_and_the_feed_are(quick_config, capsys):
    assert main(["--config", str(quick_config.path), "run", "--date", "2026-11-30"]) == 0
    out = capsys.readouterr().out
    printed = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in out.splitlines() if ":" in line}
    assert Path(printed["Episode"]).is_file() and printed["Episode"].endswith(".mp3")
    assert Path(printed["Feed"]) == quick_config.publish_dir / "feed.xml"
    assert Path(printed["Site"]) == quick_config.publish_dir / "index.html" and Path(printed["Site"]).is_file()
    assert "http://localhost:8000/feed.xml" in printed["Listen"]


def test_without_date_the_day_is_today_in_the_show_timezone_by_the_pipeline_clock(tmp_path: Path, capsys, monkeypatch):
    path = write_config(tmp_path, show_config(tmp_path, show={"timezone": "Europe/Amsterdam"}))
    # 23:30 UTC on the 29th is already the 30th in Amsterdam.
    monkeypatch.setattr("pipeline.clock.now", lambda: datetime(2026, 11, 29, 23, 30, tzinfo=timezone.utc))
    assert main(["--config", str(path), "hold"]) == 0
    assert "2026-11-30 is held." in capsys.readouterr().out


SUNDAY = "2026-12-06"


def test_a_cron_run_for_a_day_outside_the_schedule_skips_it_even_with_date(quick_config, capsys):
    from pipeline.ops import history

    assert main(["--config", str(quick_config.path), "run", "--trigger", "cron", "--date", SUNDAY]) == 0
    out = capsys.readouterr().out
    assert out == f"No show on {SUNDAY}: not a show day (schedule.days: mon-fri)\n"
    assert not (quick_config.publish_dir / "feed.xml").exists()
    (run,) = history.recent_runs(quick_config)
    assert (run["date"], run["trigger"], run["outcome"]) == (SUNDAY, "cron", "skipped")


def test_a_manual_run_for_a_day_outside_the_schedule_goes_ahead_with_a_warning(quick_config, capsys):
    assert main(["--config", str(quick_config.path), "run", "--date", SUNDAY]) == 0
    captured = capsys.readouterr()
    [warning] = [line for line in captured.err.splitlines() if "Warning" in line]
    assert warning == (f"Warning: no show is scheduled on {SUNDAY}: not a show day "
                       "(schedule.days: mon-fri); making it because you asked.")
    assert "Episode:" in captured.out and (quick_config.publish_dir / "feed.xml").exists()


@pytest.mark.parametrize("log_format", ["plain", "json"])
def test_log_times_carry_the_offset_of_the_show_time_zone(tmp_path: Path, tone_voices, log_format):
    import json
    import logging
    import re

    from pipeline.cli import console

    # India keeps +05:30 all year, and no test machine runs in it: the show's zone, not the machine's.
    path = write_config(tmp_path, show_config(tmp_path, hosts=tone_voices, show={"timezone": "Asia/Kolkata"}))
    log = tmp_path / f"dailycast-{log_format}.log"
    try:
        assert main(["--config", str(path), "--log-file", str(log), "--log-format", log_format,
                     "stories", "--date", "2026-11-30"]) == 0
    finally:
        console.use_time_zone(None)
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "baseFilename", None) == str(log)]:
            root.removeHandler(handler)
            handler.close()
    lines = log.read_text().splitlines()
    assert any("stage stories" in line for line in lines)
    if log_format == "json":
        stamps = [json.loads(line)["time"] for line in lines]
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30", stamp) for stamp in stamps), stamps
    else:
        assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+05:30 (INFO|WARNING|DEBUG|ERROR) ", line)
                   for line in lines), lines
    first = datetime.fromisoformat(lines[0][:25] if log_format == "plain" else json.loads(lines[0])["time"])
    assert abs((first - datetime.now(timezone.utc)).total_seconds()) < 600, "the offset is right, not only there"


def test_log_times_before_the_config_is_read_carry_the_machine_offset():
    import logging

    from pipeline.cli import console

    record = logging.LogRecord("dailycast", logging.INFO, __file__, 1, "hello", None, None)
    line = console.PlainLines("%(asctime)s %(message)s").format(record)
    offset = datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="seconds")[19:]
    assert line.endswith(f"{offset} hello") and offset[0] in "+-"
