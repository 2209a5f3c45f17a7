"""The run history in SQLite (work/history.sqlite): every run, its stages, fallbacks, and punctuality.

work/<date>/runs.jsonl stays the per-day record beside the day's artifacts; this database is the
show-wide view that `dailycast status` reads and the scheduler and deadline guard learn from.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
from contextlib import closing
from pathlib import Path
from typing import Any

from pipeline.config import Config

FILE = "history.sqlite"
RECENT_RUNS = 10

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    date TEXT NOT NULL,
    trigger TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    outcome TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    deadline TEXT,
    published INTEGER NOT NULL DEFAULT 0,
    late INTEGER,
    fast_path INTEGER NOT NULL DEFAULT 0,
    writer TEXT,
    voices TEXT NOT NULL DEFAULT '{}',
    fallbacks TEXT NOT NULL DEFAULT '[]',
    cost REAL
);
CREATE INDEX IF NOT EXISTS runs_by_date ON runs (date);
CREATE TABLE IF NOT EXISTS stages (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    position INTEGER NOT NULL,
    stage TEXT NOT NULL,
    status TEXT NOT NULL,
    started TEXT,
    seconds REAL NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, position)
);
"""


def path(config: Config) -> Path:
    return config.work_root / FILE


def _connect(config: Config) -> sqlite3.Connection:
    config.work_root.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path(config), timeout=30)
    connection.row_factory = sqlite3.Row
    connection.executescript(_SCHEMA)
    return connection


def record_run(config: Config, run: dict[str, Any]) -> int:
    """Stores one finished (or failed, or skipped) run: a RunRecord as a dict."""
    with closing(_connect(config)) as db, db:
        cursor = db.execute(
            "INSERT INTO runs (date, trigger, started, finished, outcome, error, deadline, published, late,"
            " fast_path, writer, voices, fallbacks, cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run["date"], run["trigger"], run["started"], run.get("finished") or None, run["outcome"],
                run.get("error", ""), run.get("deadline") or None, int(run["outcome"] == "published"),
                None if run.get("late") is None else int(run["late"]), int(bool(run.get("fast_path"))),
                run.get("writer"), json.dumps(run.get("voices") or {}), json.dumps(run.get("fallbacks") or []),
                run.get("cost"),
            ),
        )
        run_id = cursor.lastrowid
        db.executemany(
            "INSERT INTO stages (run_id, position, stage, status, started, seconds, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (run_id, position, s["stage"], s["status"], s.get("started") or None, s.get("seconds", 0), s.get("detail", ""))
                for position, s in enumerate(run.get("stages", []))
            ],
        )
    return run_id


def recent_runs(config: Config, limit: int = 20, per_kind: bool = False) -> list[dict[str, Any]]:
    """The last runs, newest first, each with its stages; `per_kind`: the last `limit` runs by hand and
    the last `limit` scheduled ones (cron, the scheduler), so a busy morning of reruns hides neither."""
    if not path(config).exists():
        return []
    query = "SELECT * FROM runs ORDER BY id DESC LIMIT ?"
    if per_kind:
        query = ("SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY trigger = 'manual' ORDER BY id DESC)"
                 " AS kind_rank FROM runs) WHERE kind_rank <= ? ORDER BY id DESC")
    with closing(_connect(config)) as db:
        runs = [dict(row) for row in db.execute(query, (limit,))]
        for run in runs:
            run.pop("kind_rank", None)
            run["voices"] = json.loads(run["voices"])
            run["fallbacks"] = json.loads(run["fallbacks"])
            run["published"] = bool(run["published"])
            run["fast_path"] = bool(run["fast_path"])
            run["late"] = None if run["late"] is None else bool(run["late"])
            run["stages"] = []
        by_id = {run["id"]: run for run in runs}
        marks = ",".join("?" * len(by_id))
        for row in db.execute(f"SELECT run_id, stage, status, started, seconds, detail FROM stages"
                              f" WHERE run_id IN ({marks}) ORDER BY run_id, position", list(by_id)):
            stage = dict(row)
            by_id[stage.pop("run_id")]["stages"].append(stage)
    return runs


def stage_estimates(config: Config, runs: int = RECENT_RUNS) -> dict[str, float]:
    """Per stage, the median of its recent normal-path durations (seconds).

    The median, not the maximum: one bad morning must not push the following ones onto the fast path;
    a slow stage on the day itself is caught by the guard's check during the stage.
    """
    if not path(config).exists():
        return {}
    with closing(_connect(config)) as db:
        rows = db.execute(
            "SELECT s.stage, s.seconds FROM stages s JOIN runs r ON r.id = s.run_id"
            " WHERE s.status = 'ran' AND r.fast_path = 0 AND r.id IN"
            " (SELECT id FROM runs WHERE fast_path = 0 AND outcome IN ('published', 'done', 'awaiting-review')"
            "  ORDER BY id DESC LIMIT ?)",
            (runs,),
        ).fetchall()
    durations: dict[str, list[float]] = {}
    for row in rows:
        durations.setdefault(row["stage"], []).append(float(row["seconds"]))
    return {stage: statistics.median(values) for stage, values in durations.items()}


def typical_run_seconds(config: Config, runs: int = RECENT_RUNS) -> float | None:
    """The upper end of recent full runs' durations (the 90th percentile), or None with under 3 runs."""
    if not path(config).exists():
        return None
    with closing(_connect(config)) as db:
        rows = db.execute(
            "SELECT r.id, SUM(s.seconds) AS seconds FROM runs r JOIN stages s ON s.run_id = r.id"
            " WHERE r.outcome = 'published' AND r.fast_path = 0 AND s.status = 'ran'"
            " GROUP BY r.id HAVING COUNT(s.stage) >= 5 ORDER BY r.id DESC LIMIT ?",
            (runs,),
        ).fetchall()
    durations = [float(row["seconds"]) for row in rows]
    if len(durations) < 3:
        return None
    return statistics.quantiles(durations, n=10, method="inclusive")[-1]
