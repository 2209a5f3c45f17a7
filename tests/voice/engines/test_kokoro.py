"""The Kokoro-82M voice: its options, its voice packs and blends, and how it fails."""

import os

import numpy as np
import pytest

from pipeline.audio.analysis import median_pitch_hz
from pipeline.config import load_config
from pipeline.errors import ConfigError, FatalProviderError
from pipeline.providers.packaged import PackagedModel
from pipeline.voice.engines import VOICES, kokoro
from pipeline.voice.engines.kokoro import KokoroOptions, KokoroVoice
from tests.conftest import REPO, show_config, write_config

LINE = "Norvik Energy opened its first large battery factory in Norway on Wednesday."


def test_kokoro_is_a_registered_voice():
    assert VOICES["kokoro"] is KokoroVoice


def test_an_unknown_voice_pack_names_the_key_and_the_packs(tmp_path):
    hosts = [{"name": "Oliver"}, {"name": "Shelby", "voice": {"provider": "kokoro", "voice": "af_heart"}}]
    with pytest.raises(ConfigError, match=r"hosts\[1\]\.voice.*unknown voice pack af_heart: the packs are jf_alpha"):
        load_config(write_config(tmp_path, show_config(tmp_path, hosts=hosts)))


@pytest.mark.parametrize("voice", [{}, {"jf_alpha": 0}, {"jf_alpha": -1, "jf_nezumi": 2}])
def test_a_blend_needs_positive_weights(voice):
    with pytest.raises(ValueError, match="positive weights"):
        KokoroOptions(voice=voice)


def test_the_label_names_the_pack_or_the_blend():
    assert KokoroVoice(KokoroOptions(voice="jf_nezumi")).describe() == "kokoro:jf_nezumi"
    blend = KokoroVoice(KokoroOptions(voice={"jf_gongitsune": 3, "jf_tebukuro": 1}, speed=1.05))
    assert blend.describe() == "kokoro:jf_gongitsune75+jf_tebukuro25@1.05"


def test_a_damaged_model_is_one_clear_error_said_once(monkeypatch):
    real = kokoro.model()
    monkeypatch.setattr(kokoro, "model", lambda: PackagedModel(real.label, "damaged.onnx", real.parts, "0" * 64))
    monkeypatch.setattr(kokoro, "_loaded", {})
    voice = KokoroVoice(KokoroOptions())
    with pytest.raises(FatalProviderError, match="the Kokoro-82M voice model does not match its checksum") as first:
        voice.synthesize(LINE)
    with pytest.raises(FatalProviderError) as second:
        voice.synthesize(LINE)
    assert second.value is first.value  # the model is not assembled again for every line


@pytest.mark.slow
def test_the_shipped_shelby_voice_is_a_female_voice_at_24_khz():
    shelby = load_config(REPO / "config.yaml").hosts[1].voice
    assert shelby.provider == "kokoro"
    spoken = KokoroVoice(shelby.parsed).synthesize(LINE)
    assert spoken.sample_rate == 24000
    seconds = len(spoken.samples) / spoken.sample_rate
    assert 2.5 < seconds < 8.0  # eleven words at a newsreader's pace
    assert 0.05 < np.abs(spoken.samples).max() <= 1.0
    assert median_pitch_hz(spoken.samples, spoken.sample_rate) >= 165


@pytest.mark.slow
def test_a_blend_is_the_weighted_mean_of_its_packs_and_loads_the_model_once():
    alpha, blend = KokoroVoice(KokoroOptions(voice="jf_alpha")), KokoroVoice(KokoroOptions(voice={"jf_alpha": 1, "jm_kumo": 3}))
    spoken = blend.synthesize(LINE)
    model = kokoro._load()
    expected = 0.25 * model.get_voice_style("jf_alpha") + 0.75 * model.get_voice_style("jm_kumo")
    assert np.allclose(blend.style(model), expected, atol=1e-6)
    assert np.array_equal(alpha.style(model), model.get_voice_style("jf_alpha"))
    # Mostly the male pack: the blend speaks lower than the female pack alone.
    assert median_pitch_hz(spoken.samples, spoken.sample_rate) < median_pitch_hz(*_said(alpha))
    assert len([key for key in kokoro._loaded if key[0] == os.getpid()]) == 1


def _said(voice):
    spoken = voice.synthesize(LINE)
    return spoken.samples, spoken.sample_rate
