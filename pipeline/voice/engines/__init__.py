"""The TTS engines a host's `voice` block may name in config.yaml, mapped to their classes."""

from __future__ import annotations

from pipeline.voice.engines.base import Voice
from pipeline.voice.engines.espeak import EspeakVoice
from pipeline.voice.engines.kokoro import KokoroVoice
from pipeline.voice.engines.openai import OpenAITTSVoice
from pipeline.voice.engines.piper import PiperVoice

VOICES: dict[str, type[Voice]] = {
    PiperVoice.name: PiperVoice,
    KokoroVoice.name: KokoroVoice,
    OpenAITTSVoice.name: OpenAITTSVoice,
    EspeakVoice.name: EspeakVoice,
}

__all__ = ["Voice", "VOICES"]
