"""espeak-ng: only where the binary is installed (it is not on every machine, nor in CI)."""

import shutil

import pytest

from pipeline.config import load_config
from pipeline.errors import ConfigError
from tests.conftest import show_config, write_config

HAVE_ESPEAK = shutil.which("espeak-ng") is not None


def test_a_missing_espeak_binary_is_a_config_error(tmp_path):
    hosts = [{"name": "Oliver", "voice": {"provider": "espeak", "voice": "nl", "binary": "no-such-espeak-here"}},
             {"name": "Shelby", "voice": "piper"}]
    with pytest.raises(ConfigError, match=r"hosts\[0\].voice.binary: .*no-such-espeak-here is not installed"):
        load_config(write_config(tmp_path, show_config(tmp_path, hosts=hosts)))


@pytest.mark.skipif(not HAVE_ESPEAK, reason="espeak-ng is not installed")
def test_espeak_speaks_dutch():
    from pipeline.voice.engines.espeak import EspeakOptions, EspeakVoice

    spoken = EspeakVoice(EspeakOptions(voice="nl")).synthesize("-- Goedemorgen, dit is het nieuws van vandaag.")
    assert spoken.seconds > 1.0
    assert abs(spoken.samples).max() > 0.05
