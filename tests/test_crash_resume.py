"""A real `dailycast run` subprocess killed with SIGKILL in the voice stage; the rerun resumes and
publishes exactly one episode."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser

from pipeline.ops.lock import read_owner
from tests.conftest import REPO, show_config, write_config

DAY = "2026-11-30"
PLUGIN = Path(__file__).parent / "plugins" / "slow_voice_cli.py"


def _dailycast(config_path: Path, *args: str, **popen) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": f"{PLUGIN.parent}{os.pathsep}{REPO}"}
    return subprocess.Popen([sys.executable, str(PLUGIN), "--config", str(config_path), "--log-format", "json", *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def test_kill_9_in_the_voice_stage_then_a_rerun_resumes_and_publishes_once(tmp_path):
    hosts = [{"name": "Oliver", "voice": {"provider": "slow", "hz": 150}},
             {"name": "Shelby", "voice": {"provider": "slow", "hz": 240}}]
    config_path = write_config(tmp_path, show_config(tmp_path, hosts=hosts))
    work = tmp_path / "work" / DAY

    victim = _dailycast(config_path, "run", "--date", DAY, "--trigger", "cron")
    deadline = time.monotonic() + 120
    cache = tmp_path / "work" / "cache" / "lines"  # synthesized lines land here first, one by one
    while len(list(cache.glob("*.wav"))) < 3:
        assert victim.poll() is None, victim.communicate()
        assert time.monotonic() < deadline, "the voice stage never started"
        time.sleep(0.05)
    assert read_owner(work / "run.lock").pid == victim.pid
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    assert not (work / "lines" / "manifest.json").exists()
    assert not (tmp_path / "feeds" / "feed.xml").exists()

    rerun = _dailycast(config_path, "run", "--date", DAY, "--trigger", "cron")
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert "taking over a stale lock from pid %d" % victim.pid in err
    last = json.loads((work / "runs.jsonl").read_text().splitlines()[-1])
    assert [s["stage"] for s in last["stages"] if s["status"] == "ran"] == ["voice", "mix", "publish"]
    assert last["lock_taken_over_from"] == victim.pid

    again = _dailycast(config_path, "run", "--date", DAY)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0 and "already published" in out
    entries = feedparser.parse((tmp_path / "feeds" / "feed.xml").read_bytes()).entries
    assert [e.id for e in entries] == [f"dailycast:the-daily-circuit:{DAY}"]
