"""The local target: a folder (publish.dir, `feeds/` by default), served by `dailycast serve` or any web server.

Every file is written to a temporary name beside it and renamed into place, so a reader sees the
old file or the new one, never half of one.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field

from pipeline import files
from pipeline.providers import ProviderOptions
from pipeline.publish.targets.base import PublishError, Target, Upload


class LocalOptions(ProviderOptions):
    dir: Path | None = Field(default=None, description="The folder; default: publish.dir.")


class LocalTarget(Target):
    name = "local"
    Options = LocalOptions

    def __init__(self, options: LocalOptions) -> None:
        super().__init__(options)
        if options.dir is None:
            raise ValueError("the local target needs a folder")
        self.root: Path = options.dir

    @classmethod
    def configure(cls, options: LocalOptions, config) -> "LocalTarget":
        return cls(LocalOptions(dir=config.resolve(options.dir or config.publish.dir)))

    def describe(self) -> str:
        return f"local folder {self.root}"

    def _path(self, name: str) -> Path:
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise PublishError(f"{self.describe()}: {name!r} is outside the folder")
        return path

    def put(self, upload: Upload) -> None:
        target = self._path(upload.name)
        try:
            with files.atomic_path(target) as tmp:
                with open(tmp, "wb") as handle:
                    handle.write(upload.source)
                    handle.flush()
                    os.fsync(handle.fileno())
                self._check(upload, tmp.stat().st_size)
        except OSError as exc:
            raise PublishError(f"{self.describe()}: cannot write {upload.name}: {exc.strerror or exc}") from None

    def size(self, name: str) -> int | None:
        path = self._path(name)
        return path.stat().st_size if path.is_file() else None

    def get(self, name: str) -> bytes | None:
        path = self._path(name)
        return path.read_bytes() if path.is_file() else None

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def list(self, folder: str = "") -> list[str]:
        base = self._path(folder) if folder else self.root
        if not base.is_dir():
            return []
        return sorted(
            path.relative_to(self.root).as_posix()
            for path in base.rglob("*")
            if path.is_file() and not path.name.startswith(".")
        )
