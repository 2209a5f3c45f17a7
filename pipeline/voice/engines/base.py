"""What a voice is: a name, typed options, and `synthesize(text) -> Audio`.

Each concrete TTS engine lives in its own module and is listed in the registry in
`pipeline.voice.engines`.
"""

from __future__ import annotations

from typing import ClassVar

from pipeline.audio import Audio
from pipeline.providers import ProviderOptions


class Voice:
    name: ClassVar[str]
    Options: ClassVar[type[ProviderOptions]] = ProviderOptions
    relative_cost: ClassVar[float] = 1.0  # synthesis time per character against Piper's: orders the work

    def __init__(self, options: ProviderOptions) -> None:
        self.options = options

    def describe(self) -> str:
        """A short label for the run record and the episode's credits, e.g. 'piper:en_US-joe-medium'."""
        return self.name

    def synthesize(self, text: str) -> Audio:
        raise NotImplementedError
