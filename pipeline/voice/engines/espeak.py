"""espeak-ng as a subprocess: a robotic but dependable voice in many languages, Dutch among them.

Only usable where the `espeak-ng` binary is installed; the config check says so at start-up rather
than at 05:45. The text goes in on stdin (never on the command line, where a leading dash would be
an option) and the WAV comes back on stdout.
"""

from __future__ import annotations

import shutil
import subprocess

from pydantic import Field, field_validator

from pipeline.audio import Audio, wav_bytes_to_float
from pipeline.errors import FatalProviderError
from pipeline.providers import ProviderOptions
from pipeline.voice.engines.base import Voice


class EspeakOptions(ProviderOptions):
    voice: str = Field(default="nl", pattern=r"^[A-Za-z0-9_+\-]{1,40}$", description="e.g. nl, en-us, nl+f3.")
    words_per_minute: int = Field(default=165, ge=80, le=450)
    pitch: int = Field(default=50, ge=0, le=99)
    binary: str = Field(default="espeak-ng", description="The program's name on PATH, or its path.")
    timeout_seconds: float = Field(default=60, gt=0)

    @field_validator("binary")
    @classmethod
    def _installed(cls, value: str) -> str:
        if shutil.which(value) is None:
            raise ValueError(f"{value} is not installed (the espeak voice needs the espeak-ng program)")
        return value


class EspeakVoice(Voice):
    name = "espeak"
    Options = EspeakOptions
    options: EspeakOptions

    def describe(self) -> str:
        return f"espeak:{self.options.voice}"

    def synthesize(self, text: str) -> Audio:
        options = self.options
        command = [options.binary, "-v", options.voice, "-s", str(options.words_per_minute),
                   "-p", str(options.pitch), "--stdout"]
        try:
            result = subprocess.run(command, input=text.encode("utf-8"), capture_output=True,
                                    timeout=options.timeout_seconds, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise FatalProviderError(f"{self.describe()}: {exc}") from None
        if result.returncode != 0:
            raise FatalProviderError(f"{self.describe()}: {result.stderr.decode(errors='replace').strip()[:200]}")
        try:
            samples, rate = wav_bytes_to_float(result.stdout)  # espeak writes a placeholder length to a pipe
        except ValueError as exc:
            raise FatalProviderError(f"{self.describe()}: no WAV on stdout: {exc}") from None
        return Audio(samples=samples, sample_rate=rate)
