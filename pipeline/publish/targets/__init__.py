"""Publish targets: the names `publish.target.provider` may use, mapped to their classes.

Like the writer and voice registries, tests register fakes through this same dictionary. The
published episode index is read here, so every stage that needs it reads it the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import ValidationError

from pipeline import artifacts
from pipeline.errors import StageError
from pipeline.models import EpisodeIndex
from pipeline.publish.targets.base import IMMUTABLE, NO_CACHE, SHORT, PublishError, Target, Upload
from pipeline.publish.targets.local import LocalTarget
from pipeline.publish.targets.s3 import S3Target

if TYPE_CHECKING:
    from pipeline.config import Config

TARGETS: dict[str, type[Target]] = {
    LocalTarget.name: LocalTarget,
    S3Target.name: S3Target,
}


def open_target(config: Config) -> Target:
    spec = config.publish.target
    return TARGETS[spec.provider].configure(spec.parsed, config)


def load_index(config: Config, target: Target | None = None) -> EpisodeIndex:
    target = target or open_target(config)
    data = target.get(artifacts.INDEX)
    if data is None:
        return EpisodeIndex()
    try:
        return EpisodeIndex.model_validate_json(data)
    except ValidationError as exc:
        raise StageError(
            f"{target.describe()}: {artifacts.INDEX}: the published episode index is damaged: {exc.errors()[0]['msg']}"
        ) from None


__all__ = ["IMMUTABLE", "NO_CACHE", "SHORT", "PublishError", "Target", "Upload", "TARGETS", "load_index", "open_target"]
