"""`dailycast` with one extra voice, `slow`, registered first: for tests that need to catch the voice
stage in a real subprocess (kill -9 mid-run). Run as `python slow_voice_cli.py --config ... run`."""

from __future__ import annotations

import sys
import time

import numpy as np
from pydantic import Field

from pipeline.audio import Audio
from pipeline.providers import ProviderOptions
from pipeline.voice.engines import VOICES, Voice


class SlowOptions(ProviderOptions):
    hz: float = Field(default=220.0, gt=0)
    seconds_per_line: float = Field(default=0.2, ge=0)


class SlowVoice(Voice):
    name = "slow"
    Options = SlowOptions

    def describe(self) -> str:
        return f"slow:{self.options.hz:g}Hz"

    def synthesize(self, text: str) -> Audio:
        time.sleep(self.options.seconds_per_line)
        rate = 22050
        t = np.arange(int(rate * 0.25 * len(text.split()))) / rate
        return Audio(samples=(0.3 * np.sin(2 * np.pi * self.options.hz * t)).astype(np.float32), sample_rate=rate)


VOICES[SlowVoice.name] = SlowVoice

if __name__ == "__main__":
    from pipeline.cli import main

    sys.exit(main())
