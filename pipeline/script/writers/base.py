"""What a writer is: a name, typed options, and `write(brief) -> lines`.

Writers turn a brief (the day's stories and the show's format) into dialogue lines. Each concrete
writer lives in its own module and is listed in the registry in `pipeline.script.writers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from pipeline.errors import FatalProviderError
from pipeline.models import Line, Story
from pipeline.providers import ProviderOptions


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


@dataclass
class Usage:
    """What a writer's calls used this run, for script.json."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0

    def add(self, prompt_tokens: int, completion_tokens: int, cost: float) -> None:
        self.calls += 1
        self.prompt_tokens += prompt_tokens
        self.completion_tokens += completion_tokens
        self.cost += cost


class CostCapReached(FatalProviderError):
    """A paid call would go beyond script.max_cost_per_run: the chain moves on to the next writer."""


class CostBudget:
    """The run's cost cap, shared by every writer of the chain. `cap=None`: no cap."""

    def __init__(self, cap: float | None = None) -> None:
        self.cap, self.spent = cap, 0.0

    def allow(self, estimate: float, who: str) -> None:
        if self.cap is not None and estimate > 0 and self.spent + estimate > self.cap:
            raise CostCapReached(
                f"{who}: the next call (up to {estimate:.4f}) would pass the run's cost cap "
                f"(script.max_cost_per_run: {self.cap:g}, spent {self.spent:.4f})"
            )

    def spend(self, cost: float) -> None:
        self.spent += cost


class Writer:
    name: ClassVar[str]
    Options: ClassVar[type[ProviderOptions]] = ProviderOptions

    def __init__(self, options: ProviderOptions) -> None:
        self.options = options
        self.usage = Usage()
        self.budget = CostBudget()

    @property
    def model_name(self) -> str | None:
        """The language model that writes, as listeners may read it in the credits; None: no model."""
        return None

    def write(self, brief: ScriptBrief) -> list[Line]:
        raise NotImplementedError

    def revise(self, brief: ScriptBrief, findings: list[str]) -> list[Line] | None:
        """One more try that fixes the checks' findings on the last script; None: cannot revise."""
        return None
