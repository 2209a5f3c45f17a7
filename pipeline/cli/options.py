"""The option sets several `dailycast` commands share, and the config they load once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from pipeline import clock
from pipeline.config import Config, load_config


class Obj:
    """What the command group hands every command: the config path, and the config loaded on first use."""

    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            from pipeline.cli import console

            self._config = load_config(self.config_path)
            console.use_time_zone(self._config.show.tz)  # log times from here on in the show's zone
        return self._config


def day_of(value: str | None, config: Config) -> date:
    """The --date value, or today in the show's timezone."""
    if value is None:
        return clock.now().astimezone(config.show.tz).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-30", param_hint="--date") from None


def picks(pins: tuple[str, ...], excludes: tuple[str, ...]) -> dict[str, list[str]]:
    """The producer's --pin/--exclude picks as the runner takes them."""
    return {"pin": list(pins), "exclude": list(excludes)} if pins or excludes else {}


date_option = click.option("--date", "day", metavar="YYYY-MM-DD", help="The show's date; default: today in its timezone.")
accept_script_option = click.option(
    "--accept-script", is_flag=True,
    help="Voice a script that fails its checks (an edited script.md/script.json, or the last rejected draft), on purpose.")
pin_option = click.option("--pin", "pins", multiple=True, metavar="URL",
                          help="Put the story of this article in the show (repeatable).")
exclude_option = click.option("--exclude", "excludes", multiple=True, metavar="URL",
                              help="Keep the story of this article out of the show (repeatable).")
