"""Real servers on 127.0.0.1 for tests: in-process HTTP responders (a news source, an OpenAI-compatible
endpoint, a webhook receiver) on free ports, and real server processes (llama.cpp, rclone, dailycast
serve) started, waited for and stopped by `background_process`.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterator

import pytest

# (method, path, body) -> (status, content type, body)
Responder = Callable[[str, str, bytes], tuple[int, str, bytes]]


@contextlib.contextmanager
def serve(responder: Responder) -> Iterator[str]:
    """Yields the base URL (http://127.0.0.1:PORT) of a server answering with `responder`."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, content_type, payload = responder(self.command, self.path, body)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _answer

        def log_message(self, *args) -> None:  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class WebhookReceiver:
    """Collects the JSON bodies POSTed to it (what apprise's json:// sends)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self._lock = threading.Lock()

    def __call__(self, method: str, path: str, body: bytes) -> tuple[int, str, bytes]:
        with self._lock:
            self.received.append({"path": path, **json.loads(body or b"{}")})
        return 200, "application/json", b"{}"


def free_port() -> int:
    """A port nothing listens on (bound, then released): for a server to start on, or an endpoint that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def background_process(command: list[str], ready: Callable[[], bool], *, name: str, log: Path,
                       timeout: float, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen]:
    """Starts a server process, waits (bounded) until `ready()` is true, stops it after the block.

    Its output goes to `log`, whose tail is shown when it exits early or is not ready in time.
    """
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + timeout
        while not _answers(ready):
            if process.poll() is not None:
                pytest.fail(f"{name} exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"{name} not ready after {timeout:g} s: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _answers(ready: Callable[[], bool]) -> bool:
    try:
        return ready()
    except OSError:  # connection refused and friends: not up yet
        return False
