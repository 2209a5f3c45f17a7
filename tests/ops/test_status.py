"""`dailycast status`: the last runs from the SQLite history and the next scheduled run, as a table or JSON."""

from __future__ import annotations

import json
import re
from datetime import date

from pipeline import runner
from pipeline.cli import main
from pipeline.ops import history, schedule
from pipeline.ops import status as show_status

DAY = date(2026, 11, 30)


def test_status_lists_runs_and_the_next_run_as_json_and_as_a_table(quick_config, capsys):
    runner.run_day(quick_config, DAY, trigger="cron")
    runner.run_day(quick_config, DAY, trigger="manual")
    assert main(["--config", str(quick_config.path), "status", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(r["outcome"], r["trigger"]) for r in data["runs"]] == [("already-published", "manual"), ("published", "cron")]
    published = data["runs"][1]
    assert published["writer"] == "extractive" and published["voices"]["Oliver"] == "tone:150Hz"
    assert [s["stage"] for s in published["stages"] if s["status"] == "ran"] == list(runner.STAGE_NAMES)
    assert data["next_run"] and "deadline 06:30" in data["next_run_text"]

    assert main(["--config", str(quick_config.path), "status"]) == 0
    table = capsys.readouterr().out
    assert "2026-11-30" in table and "published" in table and "Next scheduled run:" in table
    assert re.search(r" (CET|CEST)\b", table) and " UTC" not in table, "start times in the show's zone, as the log"


def test_status_reads_the_history_once_and_walks_the_calendar_once(quick_config, monkeypatch):
    calls = []
    for module, name in ((history, "typical_run_seconds"), (history, "recent_runs"), (schedule, "next_run")):
        def counted(*args, _real=getattr(module, name), _name=name, **kwargs):
            calls.append(_name)
            return _real(*args, **kwargs)
        monkeypatch.setattr(module, name, counted)
    data = show_status.collect(quick_config)
    assert data["next_run"] and "lead 60 min default" in data["next_run_text"]
    assert sorted(calls) == ["next_run", "recent_runs", "typical_run_seconds"]


def test_status_on_a_fresh_show_says_so(quick_config, capsys):
    assert main(["--config", str(quick_config.path), "status"]) == 0
    assert "No runs recorded yet." in capsys.readouterr().out


def test_run_logs_json_lines_to_a_file_for_cron(tmp_path):
    import subprocess
    import sys

    from tests.conftest import REPO, show_config, write_config
    from tests.test_crash_resume import PLUGIN

    hosts = [{"name": "Oliver", "voice": {"provider": "slow", "hz": 150, "seconds_per_line": 0}},
             {"name": "Shelby", "voice": {"provider": "slow", "hz": 240, "seconds_per_line": 0}}]
    config_path = write_config(tmp_path, show_config(tmp_path, hosts=hosts))
    log = tmp_path / "logs" / "dailycast.log"
    # A real process without a terminal or stdin, as cron starts it.
    result = subprocess.run([sys.executable, str(PLUGIN), "--config", str(config_path), "--log-file", str(log),
                             "--log-format", "json", "run", "--trigger", "cron", "--date", DAY.isoformat()],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                            env={**__import__("os").environ, "PYTHONPATH": f"{PLUGIN.parent}:{REPO}"})
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", "with --log-file the log goes to the file only"
    assert "Episode:" in result.stdout
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    assert [line["message"].split(":")[0] for line in lines if line["message"].startswith("stage ")] == [
        f"stage {name}" for name in runner.STAGE_NAMES]


def test_the_unattended_commands_have_help(capsys):
    for command in (["schedule"], ["status"], ["doctor"], ["hold"], ["approve"]):
        assert main(command + ["--help"]) == 0
        assert "Usage: dailycast" in capsys.readouterr().out
    assert main(["run", "--help"]) == 0
    help_text = capsys.readouterr().out
    assert "--trigger [manual|cron|schedule]" in help_text and "--wait" in help_text


def test_status_shows_scheduled_and_manual_runs_apart_and_reruns_hide_no_scheduled_run(quick_config, capsys):
    from datetime import datetime, time

    morning = datetime.combine(DAY, time(5, 40), tzinfo=quick_config.show.tz)
    runner.run_day(quick_config, DAY, trigger="cron", clock=lambda: morning)
    for _ in range(3):  # a producer's reruns of the day, after the deadline
        runner.run_day(quick_config, DAY, force=True, clock=lambda: morning.replace(hour=11))
    assert main(["--config", str(quick_config.path), "status", "--json", "--limit", "2"]) == 0
    runs = json.loads(capsys.readouterr().out)["runs"]
    assert [(r["kind"], r["trigger"], r["late"]) for r in runs] == [
        ("manual", "manual", None), ("manual", "manual", None), ("scheduled", "cron", False)]

    assert main(["--config", str(quick_config.path), "status", "--limit", "2"]) == 0
    table = capsys.readouterr().out
    scheduled, manual = table.split("last manual runs")
    assert "last scheduled runs" in scheduled and "on time" in scheduled and "cron" in scheduled
    assert manual.count("published") == 2 and "on time" not in manual and "late" not in manual
