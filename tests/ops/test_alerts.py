"""Alerts through apprise to a real webhook receiver on 127.0.0.1: failure, late, success, never a secret."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from pipeline import runner
from pipeline.config import load_config
from pipeline.errors import SourceError
from pipeline.ops import alerts
from tests.conftest import show_config, write_config
from tests.loopback import WebhookReceiver, free_port, serve

DAY = date(2026, 11, 30)


@pytest.fixture
def receiver():
    got = WebhookReceiver()
    with serve(got) as url:
        got.url = url.replace("http://", "json://") + "/hook"
        yield got


def _config(tmp_path, tone_voices, **sections):
    return load_config(write_config(tmp_path, show_config(tmp_path, hosts=tone_voices, **sections)))


def _at(hour, minute, config):
    moment = datetime.combine(DAY, time(hour, minute), tzinfo=config.show.tz)
    return lambda: moment


def test_a_failed_run_alerts_the_webhook_and_says_nothing_was_published(tmp_path, tone_voices, receiver):
    def down(method, path, body):
        return 500, "text/plain", b"no"

    with serve(down) as source_url:
        config = _config(tmp_path, tone_voices, alerts={"urls": [receiver.url]},
                         sources=[{"name": "Only Wire", "url": f"{source_url}/rss"}])
        with pytest.raises(SourceError):
            runner.run_day(config, DAY, trigger="cron", clock=_at(5, 30, config))
    (alert,) = receiver.received
    assert alert["path"] == "/hook" and alert["type"] == "failure"
    assert "2026-11-30: the episode failed" in alert["title"] and "The Daily Circuit" in alert["title"]
    assert "failed at the stories stage" in alert["message"] and "Only Wire" in alert["message"]
    assert "Nothing new was published" in alert["message"]
    assert not (config.publish_dir / "feed.xml").exists()


def test_a_late_publish_alerts_and_is_marked_late(tmp_path, tone_voices, receiver):
    config = _config(tmp_path, tone_voices, alerts={"urls": [receiver.url]})
    record = runner.run_day(config, DAY, trigger="schedule", clock=_at(7, 5, config))
    assert record.outcome == "published" and record.late is True
    assert not record.fast_path, "past the deadline the full path makes the best episode"
    (alert,) = receiver.received
    assert alert["type"] == "warning" and "late" in alert["title"]


def test_success_alerts_only_when_asked_and_manual_runs_stay_quiet(tmp_path, tone_voices, receiver):
    config = _config(tmp_path, tone_voices, alerts={"urls": [receiver.url], "on_success": True})
    runner.run_day(config, DAY, trigger="manual", clock=_at(5, 30, config))
    assert receiver.received == []
    runner.run_day(config, DAY, trigger="cron", clock=_at(5, 31, config), force=True)
    (alert,) = receiver.received
    assert alert["type"] == "success" and "normal path" in alert["message"]


def test_an_alert_that_cannot_be_delivered_does_not_fail_the_run(tmp_path, tone_voices, caplog):
    config = _config(tmp_path, tone_voices, alerts={"urls": [f"json://127.0.0.1:{free_port()}/hook"],
                                                    "on_success": True})
    assert runner.run_day(config, DAY, trigger="cron", clock=_at(5, 30, config)).outcome == "published"
    assert "the success alert could not be delivered" in caplog.text  # it was tried


def test_alert_text_never_carries_a_secret(tmp_path, tone_voices, monkeypatch):
    monkeypatch.setenv("DAILYCAST_TEST_KEY", "sk-very-secret-1234")
    monkeypatch.setenv("DAILYCAST_TEST_HOOKS", "json://hooks.example/abc-token-999")
    config = _config(tmp_path, tone_voices, alerts={"urls_env": "DAILYCAST_TEST_HOOKS"}, script={"writers": [
        {"provider": "openai", "model": "m", "api_key_env": "DAILYCAST_TEST_KEY"}, "extractive"]})
    text = "failed with key sk-very-secret-1234 posting to json://hooks.example/abc-token-999"
    scrubbed = alerts.scrub(text, alerts.secrets(config))
    assert "sk-very-secret-1234" not in scrubbed and "abc-token-999" not in scrubbed
    assert alerts.urls(config) == ["json://hooks.example/abc-token-999"]


def test_an_unset_alert_url_variable_is_a_config_error(tmp_path, tone_voices, monkeypatch):
    from pipeline.errors import ConfigError

    monkeypatch.delenv("DAILYCAST_UNSET_HOOKS", raising=False)
    with pytest.raises(ConfigError, match="alerts.urls_env: environment variable DAILYCAST_UNSET_HOOKS is not set"):
        _config(tmp_path, tone_voices, alerts={"urls_env": "DAILYCAST_UNSET_HOOKS"})


def test_a_secret_in_an_error_stays_out_of_the_run_records_and_the_log(tmp_path, tone_voices, monkeypatch, caplog):
    from pipeline.errors import ProviderError
    from pipeline.ops import history
    from pipeline.voice.engines import VOICES
    from tests.conftest import ToneVoice

    monkeypatch.setenv("DAILYCAST_TEST_KEY", "sk-leaky-secret-5678")

    class Leaky(ToneVoice):
        def synthesize(self, text):
            raise ProviderError("auth failed for key sk-leaky-secret-5678")

    monkeypatch.setitem(VOICES, "tone", Leaky)
    config = _config(tmp_path, tone_voices, script={"writers": [
        {"provider": "openai", "model": "m", "api_key_env": "DAILYCAST_TEST_KEY",
         "base_url": f"http://127.0.0.1:{free_port()}/v1", "timeout_seconds": 2}, "extractive"]})
    with pytest.raises(ProviderError):
        runner.run_day(config, DAY, trigger="cron", clock=_at(5, 30, config))
    (run,) = history.recent_runs(config)
    assert run["outcome"] == "failed" and "***" in run["error"] and "sk-leaky" not in run["error"]
    assert "sk-leaky" not in (config.work_root / DAY.isoformat() / "runs.jsonl").read_text()
    assert "switching to the fast path" in caplog.text and "sk-leaky" not in caplog.text
