"""`dailycast serve`: the published folder over HTTP, for listening on the local network.

Werkzeug does the HTTP: HEAD, byte ranges (206, 416), ETag and Last-Modified with conditional
requests (304), and a safe join of the request path into the folder. This module only picks the
MIME types and cache lifetimes a podcast app or a browser expects (the same table the targets use),
serves the show's web page, index.html, at `/` (a folder published before the pages existed
redirects `/` to the feed), and keeps to RFC 9110 where Werkzeug answers 416 to a Range it need not
honour: an unparseable one (or another unit than bytes) is ignored, and a request for several ranges
gets the whole file, both with 200.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from pathlib import Path

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.http import parse_range_header
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.utils import redirect, send_from_directory
from werkzeug.wrappers import Request

from pipeline import artifacts
from pipeline.publish import site

log = logging.getLogger("dailycast")

def make_app(root: Path):
    """A WSGI app serving `root`; the site's root is index.html."""
    root = Path(root).resolve()

    @Request.application
    def app(request: Request):
        try:
            if request.method not in ("GET", "HEAD"):
                raise MethodNotAllowed(valid_methods=["GET", "HEAD"])
            path = request.path.lstrip("/")
            if not path:
                if not (root / artifacts.INDEX_PAGE).is_file():
                    return redirect("/" + artifacts.FEED)
                path = artifacts.INDEX_PAGE
            if any(part.startswith(".") for part in path.split("/")):  # temporary files, dotfiles
                raise NotFound()
            content_type, cache_control = site.headers(path)
            if not _one_byte_range(request.environ.get("HTTP_RANGE")):
                request.environ.pop("HTTP_RANGE", None)
            response = send_from_directory(
                root, path, request.environ, mimetype=content_type, conditional=True, etag=True,
            )
            response.headers["Cache-Control"] = cache_control
            response.headers["Content-Type"] = content_type
            response.headers.setdefault("Access-Control-Allow-Origin", "*")  # web players fetch transcripts
            del response.headers["Date"]  # the HTTP server sends its own; one Date header, not two
            return response
        except HTTPException as exc:
            return exc

    return app


def _one_byte_range(header: str | None) -> bool:
    parsed = parse_range_header(header) if header else None
    return parsed is not None and parsed.units == "bytes" and len(parsed.ranges) == 1


def make_server_for(root: Path, host: str = "0.0.0.0", port: int = 8000) -> BaseWSGIServer:
    if not Path(root).is_dir():
        raise FileNotFoundError(f"{root}: no published folder here yet: run `dailycast run` first")
    return make_server(host, port, make_app(root), threaded=True)


@contextmanager
def running(root: Path, host: str = "127.0.0.1", port: int = 0):
    """A server in a background thread, stopped on exit: for tests and embedding."""
    server = make_server_for(root, host, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


__all__ = ["make_app", "make_server_for", "running"]
