"""The `dailycast` command: parse arguments, load the config, call the library, map errors to exit codes.

Exit codes: 0 done, 1 the run failed, 2 bad config or usage.
"""

from __future__ import annotations

import logging
import sys
from datetime import date, datetime
from pathlib import Path

import click

from pipeline.config import Config, load_config
from pipeline.errors import ConfigError, DailycastError
from pipeline.runner import STAGE_NAMES, RunRecord, run_day

EXIT_FAILED = 1
EXIT_USAGE = 2


class _Obj:
    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config


def _day(value: str | None, config: Config) -> date:
    if value is None:
        return datetime.now(config.show.tz).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-30", param_hint="--date") from None


date_option = click.option("--date", "day", metavar="YYYY-MM-DD", help="The show's date; default: today in its timezone.")
accept_script_option = click.option(
    "--accept-script", is_flag=True,
    help="Voice a script that fails its checks (an edited script.md/script.json, or the last rejected draft), on purpose.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=Path("config.yaml"),
              show_default=True, help="The show's config file.")
@click.option("-v", "--verbose", is_flag=True, help="Log debug details.")
@click.version_option(package_name="dailycast")
@click.pass_context
def cli(ctx: click.Context, config_path: Path, verbose: bool) -> None:
    """dailycast: a daily two-host news podcast that makes itself."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)-7s %(message)s", datefmt="%H:%M:%S", stream=sys.stderr)
    ctx.obj = _Obj(config_path)


@cli.command()
@date_option
@click.option("--force", is_flag=True, help="Make the day again even if it is published (same GUID).")
@click.option("--from-stage", type=click.Choice(STAGE_NAMES), help="Rerun from this stage, on the artifacts on disk.")
@accept_script_option
@click.pass_obj
def run(obj: _Obj, day: str | None, force: bool, from_stage: str | None, accept_script: bool = False) -> None:
    """Make and publish the day's episode: stories, script, voice, mix, publish."""
    config = obj.config
    record = run_day(config, _day(day, config), force=force, from_stage=from_stage, accept_script=accept_script)
    _report(config, record)


def _stage_command(name: str, summary: str):
    @click.pass_obj
    def command(obj: _Obj, day: str | None, accept_script: bool = False) -> None:
        config = obj.config
        record = run_day(config, _day(day, config), only=name, accept_script=accept_script)
        _report(config, record)

    command.__doc__ = f"{summary} (this stage only)."
    if name in ("script", "voice"):
        command = accept_script_option(command)
    return cli.command(name=name)(date_option(command))


_stage_command("stories", "Pick the day's two top stories into work/DATE/stories.json")
_stage_command("script", "Write the dialogue into work/DATE/script.json and script.md")
_stage_command("voice", "Synthesize every line of the script into work/DATE/lines/")
_stage_command("mix", "Mix the voiced lines into work/DATE/episode.mp3")
_stage_command("publish", "Publish the mixed episode and rebuild the feed")


def _report(config: Config, record: RunRecord) -> None:
    workdir = config.work_root / record.date
    if record.outcome == "already-published":
        click.echo(f"{record.date} is already published. Use --force to make it again, or --from-stage.")
    elif record.outcome == "published":
        click.echo(f"Episode: {config.publish_dir / 'episodes' / (record.date + '.mp3')}")
        click.echo(f"Feed:    {config.publish_dir / 'feed.xml'}  (subscribe at {config.publish.base_url}feed.xml)")
    else:
        click.echo(f"Done: {', '.join(record.ran())} for {record.date}; artifacts in {workdir}")


def main(argv: list[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="dailycast", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_FAILED
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


if __name__ == "__main__":
    sys.exit(main())
