"""Files the pipeline writes and reads: atomic writes (a temporary name in the same folder, then a rename)
and YAML read with errors that name the file.

A crash during a write leaves either the previous file or the new one, never half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import yaml
from pydantic import BaseModel

from pipeline.errors import ConfigError


@contextlib.contextmanager
def atomic_path(path: Path):
    """Yields a temporary path beside `path`; renames it into place if the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_bytes(path: Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_model(path: Path, model: BaseModel) -> None:
    write_text(path, model.model_dump_json(indent=2) + "\n")


def prune(folder: Path, pattern: str, keep: Path) -> None:
    """Removes the files in `folder` matching `pattern` but `keep`: older versions of a cached file."""
    for stale in folder.glob(pattern):
        if stale != keep:
            stale.unlink(missing_ok=True)


def read_yaml_mapping(path: Path, missing: str) -> dict:
    """A YAML file whose top level is a mapping; every problem is a ConfigError naming the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: {missing}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return data
