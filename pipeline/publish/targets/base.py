"""What every publish target is: a name, typed options, and a handful of file operations.

A target stores the published site (feed.xml, episodes.json, the audio and its attachments) under
names relative to `publish.base_url`. `put` returns only once the stored object has been checked
(its size, read back from the target), so the feed is never written before the files it points to.
Errors from a target's library are raised as PublishError, naming the target and the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pipeline.errors import StageError
from pipeline.providers import ProviderOptions

# Content-hashed files never change under their name; the feed and the index do.
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
NO_CACHE = "no-cache"


class PublishError(StageError):
    """A target refused, lost or mangled a file."""


@dataclass(frozen=True)
class Upload:
    name: str  # relative to the site's root, e.g. "episodes/2026-11-30-1a2b3c4d5e.mp3"
    source: bytes
    content_type: str
    cache_control: str

    @property
    def size(self) -> int:
        return len(self.source)


class Target:
    name: ClassVar[str]
    Options: ClassVar[type[ProviderOptions]] = ProviderOptions

    def __init__(self, options: ProviderOptions) -> None:
        self.options = options

    @classmethod
    def configure(cls, options: ProviderOptions, config) -> "Target":
        """The target for this config; a subclass resolves what it needs from the config here."""
        return cls(options)

    def describe(self) -> str:
        return self.name

    def put(self, upload: Upload) -> None:
        """Stores the file under its name, replacing it atomically, and checks the stored size."""
        raise NotImplementedError

    def size(self, name: str) -> int | None:
        """The stored size in bytes, or None when there is no such file."""
        raise NotImplementedError

    def get(self, name: str) -> bytes | None:
        raise NotImplementedError

    def delete(self, name: str) -> None:
        raise NotImplementedError

    def list(self, folder: str = "") -> list[str]:
        """Names of the stored files under `folder` (recursively), relative to the site's root."""
        raise NotImplementedError

    def _check(self, upload: Upload, stored: int | None) -> None:
        if stored != upload.size:
            raise PublishError(
                f"{self.describe()}: {upload.name} is {stored} bytes after upload, expected {upload.size}"
            )
