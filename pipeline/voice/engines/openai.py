"""OpenAI text-to-speech, or any server that speaks its `/v1/audio/speech` API (`base_url`).

A request takes at most 4096 characters, so longer text is split on sentence boundaries (a sentence
longer than the limit on word boundaries) and the pieces are joined with a short breath. Timeouts,
rate limits and 5xx answers are retried with backoff (pipeline.providers.retry); other errors are fatal.
The API key comes from the environment variable named by `api_key_env`, never from the file.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from pipeline.audio import Audio, join_with_gaps, pcm16_to_float, wav_bytes_to_float
from pipeline.errors import FatalProviderError
from pipeline.providers import ProviderOptions
from pipeline.providers.openai_api import make_client, provider_error
from pipeline.providers.retry import with_retries
from pipeline.text import split_sentences
from pipeline.voice.engines.base import Voice

REQUEST_LIMIT = 4096  # characters per request, the API's limit
PCM_RATE = 24000  # the API's raw `pcm` format: 24 kHz, 16-bit, mono, little-endian
MODELS_WITHOUT_INSTRUCTIONS = ("tts-1", "tts-1-hd")


class OpenAITTSOptions(ProviderOptions):
    base_url: str | None = Field(default=None, description="Default: the OpenAI API.")
    model: str = "gpt-4o-mini-tts"
    voice: str = Field(default="alloy", min_length=1)
    instructions: str | None = Field(default=None, description="How to speak; models that take it only.")
    speed: float = Field(default=1.0, ge=0.25, le=4.0)
    response_format: Literal["pcm", "wav"] = "pcm"
    api_key_env: str | None = Field(default="OPENAI_API_KEY", description="Null for local servers without keys.")
    timeout_seconds: float = Field(default=60, gt=0)
    max_chars: int = Field(default=REQUEST_LIMIT, ge=100, le=REQUEST_LIMIT)
    attempts: int = Field(default=4, ge=1, le=10)
    retry_base_seconds: float = Field(default=1.0, ge=0)
    chunk_pause_seconds: float = Field(default=0.2, ge=0, le=2)


def split_for_requests(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut between sentences (or words, for a giant sentence)."""
    parts: list[str] = []
    for sentence in split_sentences(text) or [text]:
        if len(sentence) <= limit:
            parts.append(sentence)
            continue
        words = [chunk for word in sentence.split() for chunk in _cut(word, limit)]  # a spaceless run: cut it
        parts += _pack(words, limit)
    return _pack(parts, limit)


def _cut(word: str, limit: int) -> list[str]:
    return [word[i : i + limit] for i in range(0, len(word), limit)]


def _pack(units: list[str], limit: int) -> list[str]:
    """Joins units with spaces, greedily, into pieces of at most `limit` characters (each unit fits)."""
    pieces: list[str] = []
    current = ""
    for unit in units:
        if current and len(current) + 1 + len(unit) > limit:
            pieces.append(current)
            current = unit
        else:
            current = f"{current} {unit}".strip()
    if current:
        pieces.append(current)
    return pieces


class OpenAITTSVoice(Voice):
    name = "openai"
    Options = OpenAITTSOptions
    options: OpenAITTSOptions

    def describe(self) -> str:
        return f"openai:{self.options.model}/{self.options.voice}"

    def synthesize(self, text: str) -> Audio:
        import openai

        options = self.options
        client = self._client()
        extra = {}
        if options.instructions and options.model not in MODELS_WITHOUT_INSTRUCTIONS:
            extra["instructions"] = options.instructions

        def request(piece: str) -> bytes:
            try:
                response = client.audio.speech.create(model=options.model, voice=options.voice, input=piece,
                                                      response_format=options.response_format, speed=options.speed,
                                                      **extra)
                return response.content
            except openai.OpenAIError as exc:
                raise provider_error(exc, self.describe()) from exc

        chunks = []
        rate = PCM_RATE
        for piece in split_for_requests(text, options.max_chars):
            data = with_retries(lambda: request(piece), what=self.describe(), attempts=options.attempts,
                                base_delay=options.retry_base_seconds)
            samples, rate = self._decode(data)
            chunks.append(samples)
        return Audio(samples=join_with_gaps(chunks, options.chunk_pause_seconds, rate), sample_rate=rate)

    def _client(self):
        """One client (and connection pool) per voice, reused for every line it speaks."""
        if getattr(self, "_openai", None) is None:
            self._openai = make_client(self.options.base_url, self.options.api_key_env, self.options.timeout_seconds)
        return self._openai

    def _decode(self, data: bytes) -> tuple[np.ndarray, int]:
        if self.options.response_format == "pcm":
            return pcm16_to_float(data), PCM_RATE
        try:
            return wav_bytes_to_float(data)
        except ValueError as exc:
            raise FatalProviderError(f"{self.describe()}: the answer is not a 16-bit WAV file: {exc}") from None
