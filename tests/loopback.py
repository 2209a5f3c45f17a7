"""Real HTTP servers on 127.0.0.1 for tests: a news source, an OpenAI-compatible endpoint, a webhook receiver.

Each is a ThreadingHTTPServer on a free port (bound to port 0), started and stopped by a context manager.
"""

from __future__ import annotations

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator

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
    """A port nothing listens on (bound, then released): an endpoint that is down."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
