"""What the OpenAI-compatible writer and voice share: one client setup, one mapping of its errors.

Errors are mapped into the project's hierarchy here, at the boundary: a timeout, a lost connection,
429 and 5xx are worth retrying (TransientProviderError); anything else is not (FatalProviderError).
Messages carry the status and a short reason from the error body, never the request or its headers.
"""

from __future__ import annotations

import os

from pipeline.errors import FatalProviderError, ProviderError, TransientProviderError


def make_client(base_url: str, api_key_env: str | None, timeout_seconds: float):
    """An `openai.OpenAI` client without its own retries (the caller's `with_retries` does them)."""
    import openai

    key = os.environ.get(api_key_env, "") if api_key_env else "not-needed"
    return openai.OpenAI(base_url=base_url, api_key=key or "not-set", timeout=timeout_seconds, max_retries=0)


def provider_error(exc: Exception, label: str) -> ProviderError:
    """`exc`, raised by the openai package, as the project's error for the provider named `label`."""
    import openai

    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError)):
        return TransientProviderError(f"{label}: {type(exc).__name__}")
    if isinstance(exc, openai.APIStatusError):
        transient = exc.status_code == 429 or exc.status_code >= 500
        error = TransientProviderError if transient else FatalProviderError
        return error(f"{label}: HTTP {exc.status_code}{_reason(exc)}")
    return FatalProviderError(f"{label}: {type(exc).__name__}: {exc}")


def _reason(exc) -> str:
    """A short reason from the error body; never the request (it holds the articles) or headers."""
    body = getattr(exc, "body", None)
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        message = body["error"].get("message")
    return f" ({' '.join(str(message).split())[:160]})" if message else ""
