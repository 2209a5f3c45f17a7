"""Files the pipeline writes and reads: atomic writes (a temporary name in the same folder, then a rename)
and YAML read with errors that name the file.

A crash during a write leaves either the previous file or the new one, never half a file; a killed
process may leave its temporary (`.<name>.<random>.tmp`), which `remove_temporaries` clears. An OSError
while writing (a full disk, no permission) is raised as StorageError naming the file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

import yaml
from pydantic import BaseModel

from pipeline.errors import ConfigError, StorageError

TEMPORARY_SUFFIX = ".tmp"


_WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EISDIR}


def storage_error(exc: OSError, path: Path | str, writing: bool | None = None) -> StorageError:
    """`exc` as the project's error: one line with the path it concerns and what the system said.

    `writing`: whether `path` was being written; None: judged by the error (a full disk, no permission).
    """
    reason = exc.strerror or errno.errorcode.get(exc.errno or 0) or str(exc)
    named = exc.filename if exc.filename and str(exc.filename) != str(path) else None
    # A temporary's own name means nothing to a reader: the file it stands for does.
    if named and Path(named).name.endswith(TEMPORARY_SUFFIX) and Path(named).name.startswith("."):
        named = None
    writing = exc.errno in _WRITE_ERRORS if writing is None else writing
    return StorageError(f"cannot {'write' if writing else 'use'} {path}: {reason}" + (f" ({named})" if named else ""))


@contextlib.contextmanager
def atomic_path(path: Path):
    """Yields a temporary path beside `path`; renames it into place if the block succeeds.

    An OSError in the block or in the rename (the block writes the temporary) is raised as StorageError.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise storage_error(exc, path, writing=True) from exc
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, path)
    except OSError as exc:
        raise storage_error(exc, path, writing=True) from exc
    finally:
        tmp_path.unlink(missing_ok=True)


def remove_temporaries(folder: Path, spare: tuple[str, ...] = ()) -> list[Path]:
    """Removes the temporaries atomic_path left in `folder` and below (a killed writer's); the removed paths.

    Only for a folder whose writers are known to be gone (the day's folder under its run lock); the
    temporaries of the files named in `spare`, which are written without that lock, are left alone.
    """
    removed = []
    for candidate in folder.rglob(f".*{TEMPORARY_SUFFIX}") if folder.is_dir() else ():
        if any(candidate.name.startswith(f".{name}.") for name in spare) or not candidate.is_file():
            continue
        candidate.unlink(missing_ok=True)
        removed.append(candidate)
    return removed


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
