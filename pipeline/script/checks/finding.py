"""A check's finding: its rule and the offending line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    rule: str  # speakers | turns | stories | length | repetition | grounding | injection | format
    message: str
    line: int | None = None  # 1-based; None: the script as a whole

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message
