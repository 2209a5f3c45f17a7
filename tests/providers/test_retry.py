import pytest

from pipeline.errors import FatalProviderError, TransientProviderError
from pipeline.providers.retry import with_retries


def test_transient_errors_are_retried_with_growing_waits():
    calls, waits = [], []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise TransientProviderError("HTTP 429")
        return "ok"

    assert with_retries(flaky, what="test", attempts=3, base_delay=1.0, sleep=waits.append) == "ok"
    assert len(calls) == 3
    assert 1.0 <= waits[0] <= 1.25 and 2.0 <= waits[1] <= 2.5


def test_the_last_transient_error_is_raised():
    def down():
        raise TransientProviderError("timeout")

    with pytest.raises(TransientProviderError, match="timeout"):
        with_retries(down, what="test", attempts=2, sleep=lambda _: None)


def test_fatal_errors_are_not_retried():
    calls = []

    def fatal():
        calls.append(1)
        raise FatalProviderError("HTTP 401")

    with pytest.raises(FatalProviderError):
        with_retries(fatal, what="test", attempts=5, sleep=lambda _: None)
    assert len(calls) == 1
