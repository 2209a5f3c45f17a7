from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.errors import ConfigError
from tests.conftest import REPO, show_config, write_config


def test_the_shipped_config_loads():
    config = load_config(REPO / "config.yaml")
    assert [host.name for host in config.hosts] == ["Oliver", "Shelby"]
    assert [spec.provider for spec in config.script.writers] == ["extractive"]
    assert [(host.voice.provider, host.fallback_voice.provider) for host in config.hosts] == \
        [("piper", "piper"), ("kokoro", "piper")]
    assert config.hosts[1].voice.parsed.model_dump()["speed"] > 0  # Kokoro's own options
    assert config.hosts[1].fallback_voice.parsed.pitch_semitones == 4.0
    assert config.mix.speech_check.enabled
    assert config.publish.base_url == "http://localhost:8000/"


def test_paths_are_relative_to_the_config_file(tmp_path: Path):
    config = load_config(write_config(tmp_path, show_config(tmp_path, work_dir="days")))
    assert config.work_root == tmp_path / "days"


def test_unknown_key_is_named(tmp_path: Path):
    path = write_config(tmp_path, show_config(tmp_path, mix={"pause_msec": 300}))
    with pytest.raises(ConfigError, match=r"config\.yaml: mix\.pause_msec: unknown key"):
        load_config(path)


def test_wrong_type_is_named_with_the_value(tmp_path: Path):
    path = write_config(tmp_path, show_config(tmp_path, script={"target_minutes": "four"}))
    with pytest.raises(ConfigError, match=r"script\.target_minutes: .*number.*'four'"):
        load_config(path)


def test_missing_required_value_is_named(tmp_path: Path):
    data = show_config(tmp_path)
    del data["show"]["title"]
    with pytest.raises(ConfigError, match=r"show\.title: required, but missing"):
        load_config(write_config(tmp_path, data))


def test_provider_options_are_checked_by_the_provider(tmp_path: Path):
    data = show_config(tmp_path)
    data["hosts"][1]["voice"]["pitch"] = 3
    with pytest.raises(ConfigError, match=r"hosts\[1\]\.voice\.pitch: unknown key"):
        load_config(write_config(tmp_path, data))


def test_unknown_provider_lists_the_valid_names(tmp_path: Path):
    path = write_config(tmp_path, show_config(tmp_path, script={"writers": ["gpt"]}))
    with pytest.raises(ConfigError, match=r"script\.writers\[0\]\.provider: unknown provider 'gpt' \(valid: extractive, llamacpp, openai\)"):
        load_config(path)


def test_missing_env_secret_is_named_without_a_value(tmp_path: Path):
    writers = [{"provider": "openai", "model": "m", "api_key_env": "DAILYCAST_TEST_KEY"}, "extractive"]
    path = write_config(tmp_path, show_config(tmp_path, script={"writers": writers}))
    with pytest.raises(ConfigError, match=r"script\.writers\[0\]\.api_key_env: environment variable DAILYCAST_TEST_KEY is not set"):
        load_config(path, environ={})
    assert load_config(path, environ={"DAILYCAST_TEST_KEY": "s3cret"}).script.writers[0].parsed.api_key_env == "DAILYCAST_TEST_KEY"


def test_a_secret_pasted_into_an_env_key_is_not_echoed(tmp_path: Path):
    writers = [{"provider": "openai", "model": "m", "api_key_env": "sk-live abc/123"}]
    path = write_config(tmp_path, show_config(tmp_path, script={"writers": writers}))
    with pytest.raises(ConfigError) as raised:
        load_config(path, environ={})
    assert "sk-live" not in str(raised.value)
    assert "api_key_env: must be the name of an environment variable" in str(raised.value)


def test_every_problem_is_reported_at_once(tmp_path: Path):
    data = show_config(tmp_path, mix={"bitrate": "loud"})
    data["hosts"][0]["voice"]["speed"] = 2
    data["show"]["timezone"] = "Mars/Olympus"
    with pytest.raises(ConfigError) as raised:
        load_config(write_config(tmp_path, data))
    message = str(raised.value)
    assert "show.timezone: Value error, unknown time zone 'Mars/Olympus'" in message
    assert "mix.bitrate" in message


def test_not_yaml(tmp_path: Path):
    path = tmp_path / "config.yaml"
    path.write_text("show: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(path)


def test_missing_file():
    with pytest.raises(ConfigError, match="no such config file"):
        load_config("/nonexistent/config.yaml")
