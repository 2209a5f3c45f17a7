"""Retries with exponential backoff for transient provider errors (timeouts, 429, 5xx).

Fatal errors pass straight through: the caller falls back to the next provider instead.
"""

from __future__ import annotations

import logging
import random
import time
from typing import Callable, TypeVar

from pipeline.errors import TransientProviderError

T = TypeVar("T")
log = logging.getLogger(__name__)


def with_retries(
    action: Callable[[], T],
    *,
    what: str,
    attempts: int = 3,
    base_delay: float = 1.0,
    max_delay: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> T:
    """Calls `action` up to `attempts` times while it raises TransientProviderError.

    The wait doubles each time (base_delay, 2x, 4x ... capped at max_delay) with up to 25% jitter, so
    several runs hitting one rate limit do not retry in lockstep. The last error is re-raised.
    """
    rng = rng or random.Random()
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except TransientProviderError as exc:
            if attempt == attempts:
                raise
            delay = min(max_delay, base_delay * 2 ** (attempt - 1)) * (1 + 0.25 * rng.random())
            log.warning("%s: %s; retry %d of %d in %.1f s", what, exc, attempt, attempts - 1, delay)
            sleep(delay)
    raise AssertionError("unreachable")
