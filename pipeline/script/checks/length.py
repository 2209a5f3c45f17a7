"""The script's length against the episode's word budget."""

from __future__ import annotations

from pipeline.models import Line
from pipeline.script.checks.finding import Finding
from pipeline.text import words

LENGTH_TOLERANCE = 0.2


def length(lines: list[Line], target: int, tolerance: float) -> list[Finding]:
    total = sum(len(words(line.text)) for line in lines)
    low, high = round(target * (1 - tolerance)), round(target * (1 + tolerance))
    if not low <= total <= high:
        return [Finding("length", f"{total} words; the budget is {target} (allowed {low}-{high})")]
    return []
