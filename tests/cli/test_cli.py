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
