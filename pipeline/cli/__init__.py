"""The `dailycast` command: parse arguments, load the config, call the library, map errors to exit codes.

Exit codes: 0 done, 1 the run failed, 2 bad config or usage, 3 another run holds the day's lock.
Nothing prompts: every command is safe to run from cron or systemd.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from pipeline import artifacts, clock
from pipeline.cli import console
from pipeline.cli.options import (
    Obj,
    accept_script_option,
    date_option,
    day_of,
    exclude_option,
    picks,
    pin_option,
)
from pipeline.errors import ConfigError, DailycastError
from pipeline.ops.lock import LockedError
from pipeline.publish import stage as publish_stage
from pipeline.runner import STAGE_NAMES, TRIGGERS, run_day

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 3


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=Path("config.yaml"),
              show_default=True, help="The show's config file.")
@click.option("-v", "--verbose", is_flag=True, help="Log debug details.")
@click.option("--log-file", type=click.Path(path_type=Path), help="Append the log to this file (for cron).")
@click.option("--log-format", type=click.Choice(["plain", "json"]), default="plain", show_default=True,
              help="Unattended log lines: plain text or one JSON object per line.")
@click.version_option(package_name="dailycast")
@click.pass_context
def cli(ctx: click.Context, config_path: Path, verbose: bool, log_file: Path | None, log_format: str) -> None:
    """dailycast: a daily two-host news podcast that makes itself."""
    console.setup_logging(logging.DEBUG if verbose else logging.INFO, log_file, log_format)
    ctx.obj = Obj(config_path)


@cli.command()
@date_option
@click.option("--force", is_flag=True, help="Make the day again even if it is published (same GUID).")
@click.option("--from-stage", type=click.Choice(STAGE_NAMES), help="Rerun from this stage, on the artifacts on disk.")
@click.option("--trigger", type=click.Choice(TRIGGERS), default="manual", show_default=True,
              help="Who started the run, for the history and alerts: cron and systemd jobs pass `cron`.")
@click.option("--wait", "wait_seconds", type=click.FloatRange(min=0), default=0, show_default=True,
              help="If another run is making the day, wait this many seconds for it, then exit 3.")
@click.option("--fast", is_flag=True,
              help="Take the fast path (the last writer, the fallback voices) from the start, e.g. after the deadline.")
@accept_script_option
@pin_option
@exclude_option
@click.pass_obj
def run(obj: Obj, day: str | None, force: bool, from_stage: str | None, trigger: str, wait_seconds: float,
        fast: bool, accept_script: bool, pins, excludes) -> None:
    """Make and publish the day's episode: stories, script, voice, mix, publish."""
    config = obj.config
    the_day = day_of(day, config)
    from pipeline.ops import schedule

    if reason := schedule.unscheduled_reason(config, the_day):
        if trigger != "manual":  # a timer catching up a missed start on a weekend makes no weekend show
            from pipeline.runner import record_skipped_day

            record_skipped_day(config, the_day, trigger, reason)
            click.echo(f"No show on {the_day}: {reason}")
            return
        click.echo(f"Warning: no show is scheduled on {the_day}: {reason}; making it because you asked.", err=True)
    overrides = picks(pins, excludes)
    if overrides:
        # The producer's picks change the stories, so the day is made again from the stories stage.
        if from_stage not in (None, "stories"):
            raise click.UsageError("--pin/--exclude change the stories: use them without --from-stage, or with "
                                   "--from-stage stories")
        if not force and publish_stage.is_published(config, the_day):
            raise click.UsageError(f"{the_day} is already published: add --force to make it again with these picks")
        from_stage = "stories"
    with console.stage_progress() as on_stage:
        record = run_day(config, the_day, force=force, from_stage=from_stage, trigger=trigger,
                         lock_wait=wait_seconds, on_stage=on_stage, overrides=overrides,
                         accept_script=accept_script, fast=fast)
    console.print_run(config, record)


@cli.command(name="stories")
@date_option
@click.option("--json", "as_json", is_flag=True, help="Print stories.json instead of the table.")
@click.option("--force", is_flag=True,
              help="Rank again even if the day is published (the next `run` then remakes its episode).")
@pin_option
@exclude_option
@click.pass_obj
def stories_command(obj: Obj, day: str | None, as_json: bool, force: bool, pins, excludes) -> None:
    """Pick the day's two top stories into work/DATE/stories.json and show the ranking (this stage only).

    For a day already published, the saved ranking is shown unless --force.
    """
    from pipeline.context import StageContext
    from pipeline.models import StoriesArtifact
    from pipeline.stories import stage as stories_stage

    config = obj.config
    the_day = day_of(day, config)
    published = publish_stage.is_published(config, the_day)
    if (pins or excludes) and published and not force:
        raise click.UsageError(f"{the_day} is already published: add --force to rank it again with these picks")
    if force or not published:
        run_day(config, the_day, only="stories", overrides=picks(pins, excludes))
    ctx = StageContext(config=config, date=the_day, now=clock.now().astimezone(config.show.tz))
    artifact = ctx.read(artifacts.STORIES, StoriesArtifact)
    click.echo(artifact.model_dump_json(indent=2) if as_json else stories_stage.render_table(artifact))


def _stage_command(name: str, summary: str):
    @click.pass_obj
    def command(obj: Obj, day: str | None, accept_script: bool = False) -> None:
        config = obj.config
        record = run_day(config, day_of(day, config), only=name, accept_script=accept_script)
        console.print_run(config, record)

    command.__doc__ = f"{summary} (this stage only)."
    if name in ("script", "voice"):
        command = accept_script_option(command)
    return cli.command(name=name)(date_option(command))


_stage_command("script", "Write the dialogue into work/DATE/script.json and script.md")
_stage_command("voice", "Synthesize every line of the script into work/DATE/lines/")
_stage_command("mix", "Mix the voiced lines into work/DATE/episode.mp3")
_stage_command("publish", "Publish the mixed episode and rebuild the feed")


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="The TCP port.")
@click.option("--host", default="0.0.0.0", show_default=True,
              help="The address to listen on; 0.0.0.0 lets phones on the local network in, 127.0.0.1 only this machine.")
@click.pass_obj
def serve(obj: Obj, port: int, host: str) -> None:
    """Serve the published folder over HTTP (byte ranges, HEAD, ETag) for podcast apps."""
    from pipeline.publish.serve import make_server_for

    config = obj.config
    try:
        server = make_server_for(config.publish_dir, host, port)
    except (FileNotFoundError, OSError) as exc:
        raise DailycastError(f"cannot serve {config.publish_dir} on {host}:{port}: {exc}") from None
    click.echo(f"Serving {config.publish_dir} on http://{host}:{server.server_port}/  (Ctrl-C stops)")
    click.echo(f"Subscribe at {config.publish.base_url}feed.xml, or open {config.publish.base_url} in a browser"
               f"  (publish.base_url in {config.path.name})")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@cli.command(name="schedule")
@click.pass_obj
def schedule_command(obj: Obj) -> None:
    """Run the scheduler in the foreground: make the episode before the deadline on every show day."""
    from pipeline import runner
    from pipeline.ops import schedule

    def say(line: str) -> None:
        click.echo(line)
        sys.stdout.flush()

    schedule.run_in_foreground(obj.config, obj.config_path, job=runner.scheduled_run,
                               on_missed=runner.record_missed_run, say=say)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True, help="How many runs.")
@click.pass_obj
def status(obj: Obj, as_json: bool, limit: int) -> None:
    """The last runs (outcome, on time or late, fallbacks), review states and the next scheduled run."""
    from pipeline.ops import status as show_status

    data = show_status.collect(obj.config, limit)
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
    else:
        console.print_status(data)


@cli.command()
@click.pass_obj
def doctor(obj: Obj) -> None:
    """Check config, secrets, providers, disk and folders, and say what to fix. Exit 1 if anything fails."""
    from pipeline.ops import doctor as checks

    results = checks.run_checks(obj.config_path)
    console.print_checks(results)
    if any(check.status == checks.FAIL for check in results):
        raise _Failed()


class _Failed(Exception):
    """Exit code 1 after a report that was already printed."""


@cli.command()
@date_option
@click.pass_obj
def hold(obj: Obj, day: str | None) -> None:
    """Keep the day's episode back for review: it will not publish at the deadline."""
    from pipeline.ops import review

    config = obj.config
    the_day = day_of(day, config)
    if publish_stage.is_published(config, the_day):
        raise DailycastError(f"{the_day} is already published; holding it changes nothing")
    review.mark(config, the_day, review.HELD)
    click.echo(f"{the_day} is held. `dailycast approve --date {the_day}` publishes it.")


@cli.command()
@date_option
@click.option("--wait", "wait_seconds", type=click.FloatRange(min=0), default=60, show_default=True,
              help="Wait this long for a run that holds the day's lock.")
@click.pass_obj
def approve(obj: Obj, day: str | None, wait_seconds: float) -> None:
    """Approve the day's episode and publish it now (resuming the run if it is not finished)."""
    from pipeline.ops import review

    config = obj.config
    the_day = day_of(day, config)
    review.mark(config, the_day, review.APPROVED)
    click.echo(f"{the_day} is approved.")
    console.print_run(config, run_day(config, the_day, trigger="manual", lock_wait=wait_seconds))


def main(argv: list[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="dailycast", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_FAILED
    except _Failed:
        return EXIT_FAILED
    except LockedError as exc:
        click.echo(f"locked: {exc}", err=True)
        return EXIT_LOCKED
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except ConfigError as exc:
        click.echo(f"config error: {exc}", err=True)
        return EXIT_USAGE
    except DailycastError as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_FAILED
    return 0

