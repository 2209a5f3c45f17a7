"""What a person sees: rich progress and tables when someone watches, plain or JSON log lines when not."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import click
from rich.console import Console
from rich.table import Table

from pipeline import artifacts
from pipeline.models import Episode

if TYPE_CHECKING:
    from pipeline.config import Config
    from pipeline.runner import RunRecord


def interactive() -> bool:
    return sys.stderr.isatty()


# The zone log times are written in: the machine's until the config is read (the logging is set up
# before it, and it is read once), then the show's, the one its deadline is in. Every time carries its
# UTC offset, so a log that spans the switch stays unambiguous.
_zone: list[tzinfo | None] = [None]


def use_time_zone(zone: tzinfo | None) -> None:
    _zone[0] = zone


def log_time(created: float) -> datetime:
    """A log record's time, timezone-aware, in the zone the log is written in."""
    moment = datetime.fromtimestamp(created).astimezone()
    return moment.astimezone(_zone[0]) if _zone[0] is not None else moment


class PlainLines(logging.Formatter):
    """`2026-12-03 11:34:21+01:00 INFO    message`."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return log_time(record.created).isoformat(sep=" ", timespec="seconds")


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": log_time(record.created).isoformat(timespec="seconds"),
                 "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def _formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonLines()
    return PlainLines("%(asctime)s %(levelname)-7s %(message)s")


def setup_logging(level: int, log_file: Path | None = None, log_format: str = "plain") -> None:
    """Interactive: rich log lines on the terminal. Unattended (cron, systemd): plain or JSON lines."""
    root = logging.getLogger()
    if log_file is not None:
        log_file = log_file.expanduser().resolve()
        log_file.parent.mkdir(parents=True, exist_ok=True)
        if not any(getattr(h, "baseFilename", None) == str(log_file) for h in root.handlers):
            handler = logging.FileHandler(log_file, encoding="utf-8")
            handler.setFormatter(_formatter(log_format))
            root.addHandler(handler)
        root.setLevel(level)
        return
    if interactive() and log_format == "plain":
        from rich.logging import RichHandler

        handler: logging.Handler = RichHandler(console=Console(stderr=True), show_path=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_formatter(log_format))
    logging.basicConfig(level=level, handlers=[handler])
    logging.getLogger("apscheduler").setLevel(max(level, logging.INFO))


@contextlib.contextmanager
def stage_progress() -> Iterator[Any]:
    """Yields an on_stage callback: a rich progress bar per stage when a person watches, else None."""
    if not interactive():
        yield None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description:<18}"), BarColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=False) as progress:
        tasks: dict[str, Any] = {}

        def on_stage(event: str, stage: str) -> None:
            if event == "start":
                if stage in tasks:  # a rerun on the fast path
                    progress.reset(tasks[stage], total=1, description=f"{stage} (fast path)")
                else:
                    tasks[stage] = progress.add_task(stage, total=1)
            elif stage in tasks:
                progress.update(tasks[stage], completed=1)
                progress.stop_task(tasks[stage])

        yield on_stage


def _stdout_console() -> Console:
    """A terminal gets its own width; a pipe or a file (cron mail, a log) gets wide, unwrapped rows."""
    return Console() if sys.stdout.isatty() else Console(width=160)


def print_status(data: dict[str, Any]) -> None:
    """Scheduled runs (with their punctuality) and runs by hand (never late) in two tables."""
    from pipeline.ops.status import MANUAL, SCHEDULED, punctuality, took

    console = _stdout_console()
    for kind, title in ((SCHEDULED, "scheduled runs (cron, timer, scheduler)"), (MANUAL, "manual runs")):
        runs = [run for run in data["runs"] if run["kind"] == kind]
        if not runs:
            continue
        table = Table(title=f"{data['show']}: last {title}")
        columns = ("date", "trigger", "started", "took", "outcome", "on time", "path", "writer", "fallbacks")
        for column in columns if kind == SCHEDULED else [c for c in columns if c not in ("trigger", "on time")]:
            table.add_column(column)
        for run in runs:
            started = run["started"]
            try:
                started = datetime.fromisoformat(started).astimezone(_zone[0]).strftime("%a %d %b %H:%M %Z")
            except ValueError:
                pass
            outcome = run["outcome"] + (f": {run['error'][:60]}" if run["outcome"] in ("failed", "skipped", "missed") else "")
            cells = [run["date"], run["trigger"], started, took(run), outcome, punctuality(run),
                     "fast" if run["fast_path"] else "normal", run["writer"] or "",
                     "; ".join(f"{f['stage']}: {f['reason'][:50]}" for f in run["fallbacks"])]
            if kind == MANUAL:
                del cells[5], cells[1]
            table.add_row(*cells)
        console.print(table)
    if not data["runs"]:
        console.print("No runs recorded yet.")
    for day, state in data["review"].items():
        console.print(f"Review: {day} {state}")
    console.print(f"Next scheduled run: {data['next_run_text']}")


def print_checks(checks) -> None:
    console = _stdout_console()
    marks = {"ok": "[green]ok[/]", "warn": "[yellow]warn[/]", "fail": "[red]FAIL[/]"}
    table = Table(title="dailycast doctor")
    for column in ("check", "", "detail", "what to do"):
        table.add_column(column)
    for check in checks:
        table.add_row(check.name, marks[check.status], check.detail, check.fix)
    console.print(table)
    failed = sum(check.status == "fail" for check in checks)
    console.print("[red]%d check(s) failed[/]" % failed if failed else "[green]All checks passed.[/]")


def print_run(config: Config, record: RunRecord) -> None:
    """What a run did, in a few lines: where the episode and the feed are, or what waits for whom."""
    workdir = config.workdir(date.fromisoformat(record.date))
    if record.outcome == "awaiting-review":
        click.echo(f"{record.date} waits for review in {workdir}: `dailycast approve --date {record.date}` publishes "
                   f"it now, `dailycast hold --date {record.date}` keeps it back; otherwise it publishes as the review window closes before the deadline.")
        return
    if record.outcome == "held":
        click.echo(f"{record.date} is held for review: `dailycast approve --date {record.date}` publishes it.")
        return
    for fallback in record.fallbacks:
        click.echo(f"Fallback at {fallback['stage']}: {fallback['reason']}")
    if record.late:
        click.echo(f"Late: published after the deadline {record.deadline}")
    if record.outcome == "already-published":
        click.echo(f"{record.date} is already published. Use --force to make it again, or --from-stage.")
    elif record.outcome == "published":
        published = Episode.model_validate_json((workdir / artifacts.PUBLISHED).read_text(encoding="utf-8"))
        if config.publish.target.provider == "local":
            click.echo(f"Episode: {config.publish_dir / published.audio_file}")
            click.echo(f"Feed:    {config.publish_dir / 'feed.xml'}")
            click.echo(f"Site:    {config.publish_dir / artifacts.INDEX_PAGE}")
        click.echo(f"Listen:  subscribe at {config.publish.base_url}feed.xml"
                   + ("  (`dailycast serve` serves it)" if config.publish.target.provider == "local" else ""))
    else:
        click.echo(f"Done: {', '.join(record.ran())} for {record.date}; artifacts in {workdir}")
