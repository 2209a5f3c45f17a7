"""OpenAI TTS against a real HTTP server on 127.0.0.1 that speaks the /v1/audio/speech API."""

from __future__ import annotations

import io
import json
import threading
import wave
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from pipeline.config import load_config
from pipeline.errors import ConfigError, FatalProviderError, TransientProviderError
from pipeline.voice.engines.openai import PCM_RATE, OpenAITTSOptions, OpenAITTSVoice, split_for_requests
from tests.conftest import show_config, write_config


class SpeechServer:
    """Answers each request with 10 ms of tone per character; can fail the first N requests."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self.fail_next: list[int] = []  # HTTP statuses to answer with, in order, before succeeding
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                server.headers.append(dict(self.headers))
                if self.path != "/v1/audio/speech":
                    self.send_error(404)
                    return
                if server.fail_next:
                    status = server.fail_next.pop(0)
                    payload = json.dumps({"error": {"message": "busy", "type": "server_error"}}).encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                pcm = (0.3 * np.sin(2 * np.pi * 440 * np.arange(len(body["input"]) * PCM_RATE // 100) / PCM_RATE)
                       * 32767).astype("<i2").tobytes()
                if body.get("response_format") == "wav":
                    buffer = io.BytesIO()
                    with wave.open(buffer, "wb") as handle:
                        handle.setnchannels(1)
                        handle.setsampwidth(2)
                        handle.setframerate(PCM_RATE)
                        handle.writeframes(pcm)
                    pcm = buffer.getvalue()
                self.send_response(200)
                self.send_header("Content-Type", "audio/pcm")
                self.send_header("Content-Length", str(len(pcm)))
                self.end_headers()
                self.wfile.write(pcm)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)


@pytest.fixture
def server():
    made = SpeechServer()
    made.thread.start()
    yield made
    made.httpd.shutdown()
    made.httpd.server_close()
    made.thread.join(timeout=5)


def _voice(server, **options) -> OpenAITTSVoice:
    return OpenAITTSVoice(OpenAITTSOptions(base_url=server.url, api_key_env="TTS_KEY", retry_base_seconds=0.01,
                                           **options))


def test_speech_comes_back_as_samples(server, monkeypatch):
    monkeypatch.setenv("TTS_KEY", "sk-test-secret")
    spoken = _voice(server, voice="nova", instructions="Warm and brisk, like morning radio.").synthesize(
        "Good morning.")
    assert spoken.sample_rate == PCM_RATE
    assert len(spoken.samples) == len("Good morning.") * PCM_RATE // 100
    assert 0.29 < np.abs(spoken.samples).max() < 0.31
    [request] = server.requests
    assert request["model"] == "gpt-4o-mini-tts" and request["voice"] == "nova"
    assert request["instructions"] == "Warm and brisk, like morning radio."
    assert request["response_format"] == "pcm"
    assert {k.lower(): v for k, v in server.headers[0].items()}["authorization"] == "Bearer sk-test-secret"


def test_instructions_are_left_out_for_models_without_them(server, monkeypatch):
    monkeypatch.setenv("TTS_KEY", "k")
    _voice(server, model="tts-1", instructions="Whisper.").synthesize("Hello.")
    assert "instructions" not in server.requests[0]


def test_wav_answers_are_read_too(server, monkeypatch):
    monkeypatch.setenv("TTS_KEY", "k")
    spoken = _voice(server, response_format="wav").synthesize("Hello there.")
    assert len(spoken.samples) == len("Hello there.") * PCM_RATE // 100


def test_long_text_is_split_on_sentences_below_the_limit(server, monkeypatch):
    monkeypatch.setenv("TTS_KEY", "k")
    sentences = [f"This is sentence number {i} of a long monologue about batteries." for i in range(120)]
    text = " ".join(sentences)
    assert len(text) > 4096
    spoken = _voice(server).synthesize(text)
    inputs = [request["input"] for request in server.requests]
    assert len(inputs) >= 2 and all(len(piece) <= 4096 for piece in inputs)
    assert all(piece.endswith(".") for piece in inputs)  # cut between sentences
    assert " ".join(inputs) == text
    assert spoken.seconds > len(text) / 100


def test_a_giant_sentence_is_cut_between_words():
    pieces = split_for_requests("word " * 2000, 300)
    assert all(len(piece) <= 300 for piece in pieces)
    assert " ".join(pieces).split() == ["word"] * 2000


def test_server_errors_are_retried_then_succeed(server, monkeypatch):
    monkeypatch.setenv("TTS_KEY", "k")
    server.fail_next = [503, 500]
    spoken = _voice(server, attempts=3).synthesize("Hello.")
    assert len(server.requests) == 3 and len(spoken.samples) > 0


def test_persistent_server_errors_give_up_as_transient(server, monkeypatch):
    monkeypatch.setenv("TTS_KEY", "k")
    server.fail_next = [503] * 5
    with pytest.raises(TransientProviderError, match="HTTP 503"):
        _voice(server, attempts=2).synthesize("Hello.")
    assert len(server.requests) == 2


def test_a_client_error_is_fatal_and_not_retried(server, monkeypatch):
    monkeypatch.setenv("TTS_KEY", "k")
    server.fail_next = [400]
    with pytest.raises(FatalProviderError, match="HTTP 400"):
        _voice(server, attempts=4).synthesize("Hello.")
    assert len(server.requests) == 1


def test_the_secret_never_appears_in_errors(server, monkeypatch):
    monkeypatch.setenv("TTS_KEY", "sk-very-secret")
    server.fail_next = [401]
    with pytest.raises(FatalProviderError) as raised:
        _voice(server).synthesize("Hello.")
    assert "sk-very-secret" not in str(raised.value)


def test_config_accepts_an_openai_host_and_checks_its_key(tmp_path):
    hosts = [{"name": "Oliver", "voice": {"provider": "openai", "voice": "onyx", "api_key_env": "TTS_KEY"}},
             {"name": "Shelby", "voice": "piper"}]
    path = write_config(tmp_path, show_config(tmp_path, hosts=hosts))
    with pytest.raises(ConfigError, match=r"hosts\[0\].voice.api_key_env: environment variable TTS_KEY is not set"):
        load_config(path, environ={})
    config = load_config(path, environ={"TTS_KEY": "x"})
    assert config.hosts[0].voice.parsed.voice == "onyx"


def test_the_voice_stage_speaks_through_the_server(server, tmp_path, monkeypatch):
    from datetime import date

    from pipeline import runner
    from pipeline.models import VoiceManifest

    monkeypatch.setenv("TTS_KEY", "k")
    voice = {"provider": "openai", "base_url": server.url, "api_key_env": "TTS_KEY", "retry_base_seconds": 0.01}
    hosts = [{"name": "Oliver", "voice": {**voice, "voice": "onyx"}}, {"name": "Shelby", "voice": {**voice, "voice": "nova"}}]
    config = load_config(write_config(tmp_path, show_config(tmp_path, hosts=hosts, voicing={"workers": 2})))
    day = date(2026, 11, 30)
    for stage in ("stories", "script", "voice"):
        runner.run_day(config, day, only=stage)
    manifest = VoiceManifest.model_validate_json((config.work_root / day.isoformat() / "lines/manifest.json").read_text())
    assert manifest.voices == {"Oliver": "openai:gpt-4o-mini-tts/onyx", "Shelby": "openai:gpt-4o-mini-tts/nova"}
    assert {request["voice"] for request in server.requests} == {"onyx", "nova"}
    assert len(manifest.lines) == len(manifest.synthesized) > 4
