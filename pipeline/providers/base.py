"""What every provider is: a name, typed options, and one main method.

Writers turn a brief (the day's stories and the show's format) into dialogue lines; voices turn one
line of text into audio. Each concrete provider lives in its own module and is listed in the
registries in `pipeline.providers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

from pipeline.models import Line, Story


class ProviderOptions(BaseModel):
    """Options of one provider, straight from its block in config.yaml. Unknown keys are errors.

    A field whose name ends in `_env` names an environment variable that holds a secret; the config
    loader checks that it is set, and the secret itself never enters the config object.
    """

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Audio:
    """Mono float32 samples in [-1, 1].

    `sample_rate` may be fractional: a pitch-shifted voice declares its samples at a shifted rate and
    the voice stage resamples once, to the show's rate.
    """

    samples: np.ndarray
    sample_rate: float

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.sample_rate


@dataclass(frozen=True)
class Host:
    name: str
    role: str  # "lead" opens the show and story one; "co" leads story two


@dataclass(frozen=True)
class ScriptBrief:
    """Everything a writer needs, and nothing else: writers never read the config."""

    show_title: str
    language: str
    date_iso: str
    hosts: tuple[Host, Host]
    stories: tuple[Story, ...]
    target_words: int
    prompts_dir: Path


class Writer:
    name: ClassVar[str]
    Options: ClassVar[type[ProviderOptions]] = ProviderOptions

    def __init__(self, options: ProviderOptions) -> None:
        self.options = options

    def write(self, brief: ScriptBrief) -> list[Line]:
        raise NotImplementedError


class Voice:
    name: ClassVar[str]
    Options: ClassVar[type[ProviderOptions]] = ProviderOptions

    def __init__(self, options: ProviderOptions) -> None:
        self.options = options

    def describe(self) -> str:
        """A short label for the run record and the episode's credits, e.g. 'piper:en_US-joe-medium'."""
        return self.name

    def synthesize(self, text: str) -> Audio:
        raise NotImplementedError
