"""Publish targets: the names `publish.target.provider` may use, mapped to their classes.

Like the provider registries, tests register fakes through this same dictionary.
"""

from __future__ import annotations

from pipeline.publishers.base import IMMUTABLE, NO_CACHE, SHORT, PublishError, Target, Upload
from pipeline.publishers.local import LocalTarget
from pipeline.publishers.s3 import S3Target

TARGETS: dict[str, type[Target]] = {
    LocalTarget.name: LocalTarget,
    S3Target.name: S3Target,
}


def open_target(config) -> Target:
    spec = config.publish.target
    return TARGETS[spec.provider].configure(spec.parsed, config)


__all__ = ["IMMUTABLE", "NO_CACHE", "SHORT", "PublishError", "Target", "Upload", "TARGETS", "open_target"]
