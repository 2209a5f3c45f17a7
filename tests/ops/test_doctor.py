"""`dailycast doctor` against real loopback endpoints: what passes, what fails, and what it says to fix."""

from __future__ import annotations

import pytest

from pipeline.cli import main
from pipeline.ops import doctor
from tests.conftest import show_config, write_config
from tests.loopback import free_port, serve


def _by_name(checks):
    return {check.name: check for check in checks}


def test_a_healthy_show_passes_every_check(tmp_path, tone_voices, capsys):
    config_path = write_config(tmp_path, show_config(tmp_path, hosts=tone_voices))
    assert main(["--config", str(config_path), "doctor"]) == 0
    out = capsys.readouterr().out
    assert "All checks passed." in out and "writable" in out and "GiB free" in out


def test_an_llm_endpoint_that_is_down_and_a_missing_secret_are_named_with_a_fix(tmp_path, tone_voices, monkeypatch):
    monkeypatch.delenv("DAILYCAST_DOCTOR_KEY", raising=False)
    writers = [{"provider": "openai", "base_url": f"http://127.0.0.1:{free_port()}/v1", "model": "m",
                "api_key_env": "DAILYCAST_DOCTOR_KEY"}, "extractive"]
    config_path = write_config(tmp_path, show_config(tmp_path, hosts=tone_voices, script={"writers": writers}))
    checks = _by_name(doctor.run_checks(config_path))
    secret = checks["secret DAILYCAST_DOCTOR_KEY"]
    assert secret.status == doctor.FAIL and "export DAILYCAST_DOCTOR_KEY" in secret.fix
    writer = checks["writer openai"]
    assert writer.status == doctor.FAIL and "does not answer" in writer.detail and "start the LLM server" in writer.fix
    assert checks["voice hosts[0].voice"].status == doctor.OK
    assert main(["--config", str(config_path), "doctor"]) == 1


@pytest.mark.parametrize("status, verdict", [(200, doctor.OK), (401, doctor.FAIL), (503, doctor.FAIL)])
def test_an_llm_endpoint_that_answers_is_judged_by_its_answer(tmp_path, tone_voices, monkeypatch, status, verdict):
    monkeypatch.setenv("DAILYCAST_DOCTOR_KEY", "sk-doctor-secret")
    seen = []

    def models(method, path, body):
        seen.append(path)
        return status, "application/json", b'{"data": []}'

    with serve(models) as url:
        writers = [{"provider": "openai", "base_url": f"{url}/v1", "model": "m", "api_key_env": "DAILYCAST_DOCTOR_KEY"}]
        config_path = write_config(tmp_path, show_config(tmp_path, hosts=tone_voices, script={"writers": writers}))
        check = _by_name(doctor.run_checks(config_path))["writer openai"]
    assert seen == ["/v1/models"] and check.status == verdict
    assert "sk-doctor-secret" not in check.detail + check.fix


def test_a_broken_config_is_reported_with_the_key(tmp_path, tone_voices):
    config_path = write_config(tmp_path, show_config(tmp_path, hosts=tone_voices, schedule={"days": "someday"}))
    (check,) = doctor.run_checks(config_path)
    assert check.status == doctor.FAIL and "schedule.days" in check.detail


def test_an_unwritable_publish_folder_is_reported(tmp_path, tone_voices):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the publish folder should be")
    config_path = write_config(tmp_path, show_config(tmp_path, hosts=tone_voices, publish={"dir": str(blocker / "feeds")}))
    check = _by_name(doctor.run_checks(config_path))["publish folder"]
    assert check.status == doctor.FAIL and "write access" in check.fix


def test_the_speech_check_is_loaded_or_its_problem_named(tmp_path, tone_voices, monkeypatch):
    from pipeline.providers import packaged, recognizer

    on = write_config(tmp_path, show_config(tmp_path, hosts=tone_voices, mix={"speech_check": {"enabled": True}}))
    assert _by_name(doctor.run_checks(on))["speech check"].status == doctor.OK

    # A whisper part from another release: the doctor names the model and how to mend it.
    monkeypatch.setenv(packaged.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(recognizer, "_models", {})
    monkeypatch.setattr(recognizer, "WHISPER_BASE", packaged.PackagedModel(
        recognizer.WHISPER_BASE.label, "other/model.bin", recognizer.WHISPER_BASE.parts, "f" * 64))
    check = _by_name(doctor.run_checks(on))["speech check"]
    assert check.status == doctor.FAIL and "the whisper base speech model does not match its checksum" in check.detail
    assert "reinstall" in check.fix

    off = write_config(tmp_path, show_config(tmp_path, hosts=tone_voices))
    assert _by_name(doctor.run_checks(off))["speech check"].status == doctor.WARN
