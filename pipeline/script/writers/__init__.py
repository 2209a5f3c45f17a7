"""The writers `script.writers` may name in config.yaml, mapped to their classes."""

from __future__ import annotations

from pipeline.script.writers.base import Host, ScriptBrief, Writer
from pipeline.script.writers.offline import ExtractiveWriter
from pipeline.script.writers.llamacpp import LlamaCppWriter
from pipeline.script.writers.openai import OpenAIWriter

WRITERS: dict[str, type[Writer]] = {
    ExtractiveWriter.name: ExtractiveWriter,
    OpenAIWriter.name: OpenAIWriter,
    LlamaCppWriter.name: LlamaCppWriter,
}

__all__ = ["Host", "ScriptBrief", "Writer", "WRITERS"]
