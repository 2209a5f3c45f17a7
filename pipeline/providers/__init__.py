"""Provider registries: the names config.yaml may use, mapped to their classes.

Tests register fakes through these same dictionaries (monkeypatch.setitem), so a fake goes through
exactly the path a real provider takes.
"""

from __future__ import annotations

from pipeline.providers.base import Audio, Host, ProviderOptions, ScriptBrief, Voice, Writer
from pipeline.providers.llm_extractive import ExtractiveWriter
from pipeline.providers.llm_llamacpp import LlamaCppWriter
from pipeline.providers.llm_openai import OpenAIWriter
from pipeline.providers.tts_espeak import EspeakVoice
from pipeline.providers.tts_openai import OpenAITTSVoice
from pipeline.providers.tts_piper import PiperVoice

WRITERS: dict[str, type[Writer]] = {
    ExtractiveWriter.name: ExtractiveWriter,
    OpenAIWriter.name: OpenAIWriter,
    LlamaCppWriter.name: LlamaCppWriter,
}

VOICES: dict[str, type[Voice]] = {
    PiperVoice.name: PiperVoice,
    OpenAITTSVoice.name: OpenAITTSVoice,
    EspeakVoice.name: EspeakVoice,
}

__all__ = ["Audio", "Host", "ProviderOptions", "ScriptBrief", "Voice", "Writer", "WRITERS", "VOICES"]
