"""The project's error hierarchy.

Errors from underlying libraries (requests, feedparser, piper, ffmpeg, openai ...) are caught at the
boundary where they happen and re-raised as one of these, with a message that names the culprit:
a key in config.yaml, a source, a line of the script.
"""


class DailycastError(Exception):
    """Base class: anything the CLI reports as a clean one-line error."""


class ConfigError(DailycastError):
    """config.yaml (or the environment it names) is wrong. Exit code 2."""


class SourceError(DailycastError):
    """A news source could not be read, or too few stories remain."""


class HostUnreachable(SourceError):
    """The host itself cannot be reached (not resolved, refused, no route, TLS failed): none of its
    pages will load in this run either."""


class StorageError(DailycastError):
    """A file or folder could not be written (or read): no permission, a full disk, not a directory.
    The message names the path; nothing is published after one."""


class ProviderError(DailycastError):
    """A provider (LLM, TTS) failed."""


class TransientProviderError(ProviderError):
    """Worth retrying with backoff: timeouts, rate limits, 5xx."""


class FatalProviderError(ProviderError):
    """Retrying will not help: fall back to the next provider in the chain."""


class StageError(DailycastError):
    """A stage cannot run: a missing or unreadable input artifact."""


class QAError(DailycastError):
    """A check before voicing or before publishing rejected the artifact."""


class UnheardLines(QAError):
    """The speech check could not hear these lines of the mixed episode (their 1-based indices)."""

    def __init__(self, message: str, lines: list[int]) -> None:
        super().__init__(message)
        self.lines = lines
