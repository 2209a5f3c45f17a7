"""HTTP GET for feeds and article pages: the one place that talks to news servers.

- a descriptive User-Agent, a connect timeout and a read timeout, and a deadline for the whole body
  (a server that drips one byte a second cannot hold the run);
- retries with exponential backoff for what may pass (connection errors, timeouts, 429, 5xx), never
  for what will not (404, a redirect loop, an oversized body);
- a size cap: a declared Content-Length over the cap is refused before reading, and a body that
  streams past it is cut off at the cap, not read to the end;
- conditional GET: the ETag and Last-Modified of the last good response are kept with its body in
  the work folder's HTTP cache, sent back as If-None-Match / If-Modified-Since, and a 304 answer
  reuses the cached body.

Every failure is a SourceError whose message says what happened to which URL.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Callable

import requests

from pipeline import __version__, files
from pipeline.errors import HostUnreachable, SourceError
from pipeline.urls import redact

USER_AGENT = f"dailycast/{__version__} (+https://github.com/dailycast/dailycast; daily news podcast reader)"
CHUNK_BYTES = 64 * 1024
MAX_RETRY_AFTER_SECONDS = 10.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FetchPolicy:
    connect_timeout: float = 4.0
    read_timeout: float = 15.0
    total_seconds: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    retries: int = 2
    backoff_seconds: float = 0.5
    max_redirects: int = 5


@dataclass
class Fetched:
    url: str  # after redirects
    body: bytes
    headers: dict[str, str]
    not_modified: bool = False  # a 304: `body` is the cached copy


class _Retry(Exception):
    def __init__(self, message: str, wait: float | None = None, unreachable: bool = False) -> None:
        super().__init__(message)
        self.wait = wait
        self.unreachable = unreachable


class HttpCache:
    """Validators and body of each URL's last good response, in one folder, written atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def _digest(url: str) -> str:
        return hashlib.sha256(url.encode("utf-8")).hexdigest()  # the URL itself may hold a key: not stored

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = self._digest(url)[:32]
        return self.folder / f"{key}.json", self.folder / f"{key}.body"

    def validators(self, url: str) -> dict[str, str]:
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if meta.get("url_sha256") != self._digest(url) or not body_path.exists():
            return {}
        headers = {}
        if meta.get("etag"):
            headers["If-None-Match"] = meta["etag"]
        if meta.get("last_modified"):
            headers["If-Modified-Since"] = meta["last_modified"]
        return headers

    def body(self, url: str) -> bytes | None:
        try:
            return self._paths(url)[1].read_bytes()
        except OSError:
            return None

    def store(self, url: str, headers: dict[str, str], body: bytes) -> None:
        etag, last_modified = headers.get("etag"), headers.get("last-modified")
        if not etag and not last_modified:
            return
        meta_path, body_path = self._paths(url)
        files.write_bytes(body_path, body)
        meta = {"url_sha256": self._digest(url), "etag": etag, "last_modified": last_modified,
                "stored": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        files.write_text(meta_path, json.dumps(meta, indent=2) + "\n")


class Fetcher:
    def __init__(
        self,
        policy: FetchPolicy,
        cache: HttpCache | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy
        self.cache = cache
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._local = threading.local()

    def get(self, url: str, *, accept: str = "*/*") -> Fetched:
        headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
        if self.cache:
            headers.update(self.cache.validators(url))
        attempts = self.policy.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                return self._once(url, headers)
            except _Retry as exc:
                if attempt == attempts:
                    tries = f" (after {attempts} attempts)" if attempts > 1 else ""
                    error = HostUnreachable if exc.unreachable else SourceError
                    raise error(f"cannot fetch {redact(url)}: {exc}{tries}") from None
                delay = self.policy.backoff_seconds * 2 ** (attempt - 1) * (1 + 0.25 * self._rng.random())
                if exc.wait is not None:
                    delay = max(delay, exc.wait)
                log.info("%s: %s; retry %d of %d in %.1f s", redact(url), exc, attempt, attempts - 1, delay)
                self._sleep(delay)
        raise AssertionError("unreachable")

    def _session(self) -> requests.Session:
        """One session per thread (feeds and pages are fetched from a pool): a site's connection is kept
        alive from one request to the next instead of a new TCP and TLS handshake each time."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.max_redirects = self.policy.max_redirects
        return session

    def _once(self, url: str, headers: dict[str, str]) -> Fetched:
        policy = self.policy
        session = self._session()
        try:
            response = session.get(
                url, headers=headers, stream=True, timeout=(policy.connect_timeout, policy.read_timeout)
            )
        except requests.TooManyRedirects:
            raise SourceError(f"cannot fetch {redact(url)}: more than {policy.max_redirects} redirects (a loop?)") from None
        except requests.exceptions.InvalidURL:
            raise SourceError(f"cannot fetch {redact(url)}: not a valid URL") from None
        except requests.exceptions.SSLError as exc:
            raise HostUnreachable(f"cannot fetch {redact(url)}: {_cause(exc)[0]}") from None
        except (requests.ConnectionError, requests.Timeout) as exc:
            cause, unreachable = _cause(exc)
            raise _Retry(cause, unreachable=unreachable) from None
        except requests.RequestException as exc:
            raise SourceError(f"cannot fetch {redact(url)}: {_cause(exc)[0]}") from None
        with response:
            return self._read(url, response)

    def _read(self, url: str, response: requests.Response) -> Fetched:
        status = response.status_code
        response_headers = {k.lower(): v for k, v in response.headers.items()}
        if status == 304 and self.cache:
            cached = self.cache.body(url)
            if cached is not None:
                return Fetched(url=response.url, body=cached, headers=response_headers, not_modified=True)
        if status == 429 or status >= 500:
            raise _Retry(f"HTTP {status} {response.reason or ''}".strip(), _retry_after(response_headers))
        if status >= 400:
            raise SourceError(f"cannot fetch {redact(url)}: HTTP {status} {response.reason or ''}".strip())
        if status != 200:
            raise SourceError(f"cannot fetch {redact(url)}: unexpected HTTP {status}")
        limit = self.policy.max_bytes
        declared = response_headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise SourceError(f"cannot fetch {redact(url)}: response of {_size(int(declared))} is over the {_size(limit)} cap")
        deadline = time.monotonic() + self.policy.total_seconds
        body = bytearray()
        try:
            for chunk in response.iter_content(CHUNK_BYTES):
                body += chunk
                if len(body) > limit:
                    raise SourceError(f"cannot fetch {redact(url)}: response is over the {_size(limit)} cap; cut off")
                if time.monotonic() > deadline:
                    raise _Retry(f"body not complete after {self.policy.total_seconds:g} s")
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
            raise _Retry(_cause(exc)[0]) from None  # the host answered: it is reachable
        except requests.exceptions.ContentDecodingError as exc:
            raise SourceError(f"cannot fetch {redact(url)}: undecodable body ({_cause(exc)[0]})") from None
        data = bytes(body)
        if self.cache:
            self.cache.store(url, response_headers, data)
        return Fetched(url=response.url, body=data, headers=response_headers)


def _retry_after(headers: dict[str, str]) -> float | None:
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            seconds = (parsedate_to_datetime(value) - datetime.now(timezone.utc)).total_seconds()
        except (TypeError, ValueError):
            return None
    return max(0.0, min(seconds, MAX_RETRY_AFTER_SECONDS))


def _cause(exc: Exception) -> tuple[str, bool]:
    """(a one-line cause without the library's nested reprs, whether the host cannot be reached at all)."""
    if isinstance(exc, requests.ConnectTimeout):
        return "connection timed out", True
    if isinstance(exc, requests.ReadTimeout):
        return "timed out waiting for the server", False
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS handshake or certificate failed", True
    if isinstance(exc, requests.ConnectionError):
        text = str(exc)
        if "timed out" in text.lower():
            return "timed out waiting for the server", False
        for hints, cause in CONNECTION_CAUSES.items():
            if any(hint in text for hint in hints):
                return cause
        return "connection failed", False
    return type(exc).__name__, False


# What urllib3's connection errors say, as (cause, whether the host cannot be reached at all).
CONNECTION_CAUSES = {
    ("Name or service not known", "Temporary failure in name resolution", "Failed to resolve",
     "nodename nor servname"): ("host name not resolved", True),
    ("Connection refused",): ("connection refused", True),
    ("No route to host", "Network is unreachable"): ("no route to host", True),
    ("Connection reset", "Remote end closed"): ("connection reset", False),
}


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n} bytes"
