"""The openai provider against a real HTTP server on loopback that misbehaves on purpose:
429, then 500, then an answer slower than the client's timeout; and the tolerant answer parser."""

from __future__ import annotations

import json
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pipeline import runner
from pipeline.config import load_config
from pipeline.context import StageContext
from pipeline.errors import FatalProviderError
from pipeline.models import StoriesArtifact
from pipeline.script import stage as script_stage
from pipeline.script.writers.chat import UnusableAnswer, parse_lines
from pipeline.script.writers.offline import ExtractiveWriter
from tests.conftest import show_config, write_config

DAY = date(2026, 11, 30)
SECRET = "sk-test-do-not-leak-0123456789"


class Misbehaving(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, plan: list):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.plan, self.requests = list(plan), []


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        step = self.server.plan.pop(0) if self.server.plan else "hang"
        if step == "hang":
            time.sleep(3)
            return
        status, payload = (step, {"error": {"message": f"status {step}"}}) if isinstance(step, int) else (200, step)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status == 429:
            self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def server():
    servers = []

    def start(plan):
        httpd = Misbehaving(plan)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return httpd

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def configure(tmp_path, tone_voices, monkeypatch, httpd):
    monkeypatch.setenv("DAILYCAST_TEST_LLM_KEY", SECRET)
    writer = {"provider": "openai", "base_url": f"http://127.0.0.1:{httpd.server_address[1]}/v1", "model": "local",
              "api_key_env": "DAILYCAST_TEST_LLM_KEY", "timeout_seconds": 0.5, "response_format": "json_object"}
    data = show_config(tmp_path, hosts=tone_voices,
                       script={"writers": [writer, "extractive"], "retry_attempts": 3, "retry_base_seconds": 0.01})
    config = load_config(write_config(tmp_path, data))
    runner.run_day(config, DAY, only="stories")
    return config


def completion(content: str) -> dict:
    return {"id": "x", "object": "chat.completion", "created": 0, "model": "local",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 1234, "completion_tokens": 567, "total_tokens": 1801}}


def test_429_then_500_then_a_timeout_are_retried_then_the_chain_falls_back(tmp_path, tone_voices, monkeypatch, server, caplog):
    httpd = server([429, 500, "hang"])
    config = configure(tmp_path, tone_voices, monkeypatch, httpd)
    runner.run_day(config, DAY, only="script")
    data = json.loads((config.work_root / DAY.isoformat() / "script.json").read_text())
    first, fallback = data["attempts"]
    assert (first["writer"], first["kind"], first["outcome"], first["calls"]) == ("openai", "write", "error", 3)
    assert first["detail"] == "openai (local): APITimeoutError"
    assert (fallback["writer"], fallback["outcome"]) == ("extractive", "accepted")
    assert len(httpd.requests) == 3  # no repair turn after an error, and no hidden client retries
    assert httpd.requests[0]["auth"] == f"Bearer {SECRET}"
    assert "HTTP 429" in caplog.text and "HTTP 500" in caplog.text
    everything = caplog.text + (config.work_root / DAY.isoformat() / "script.json").read_text()
    assert SECRET not in everything


def test_a_good_answer_after_transient_errors_is_accepted_with_its_tokens(tmp_path, tone_voices, monkeypatch, server):
    httpd = server([])
    config = configure(tmp_path, tone_voices, monkeypatch, httpd)
    ctx = StageContext(config=config, date=DAY, now=None)
    brief = script_stage.brief(ctx, ctx.read("stories.json", StoriesArtifact))
    lines = [line.model_dump() for line in ExtractiveWriter(ExtractiveWriter.Options()).write(brief)]
    httpd.plan = [429, 503, completion("```json\n" + json.dumps({"lines": lines}) + "\n```")]
    runner.run_day(config, DAY, only="script")
    data = json.loads((config.work_root / DAY.isoformat() / "script.json").read_text())
    assert data["writer"] == "openai" and data["attempts"][0]["calls"] == 3
    assert data["model"] == "local"  # the model's name, for the listener's credits
    assert data["usage"] == {"calls": 1, "prompt_tokens": 1234, "completion_tokens": 567, "estimated_cost": 0.0}
    request = httpd.requests[-1]["body"]
    assert request["response_format"] == {"type": "json_object"}
    assert request["messages"][0]["role"] == "system" and "<article source=\"TechWire\"" in request["messages"][1]["content"]


def test_the_repair_turn_continues_the_conversation_with_the_findings(tmp_path, tone_voices, monkeypatch, server):
    httpd = server([])
    config = configure(tmp_path, tone_voices, monkeypatch, httpd)
    short = json.dumps({"lines": [{"speaker": "Oliver", "text": "Hello.", "story": None}]})
    httpd.plan = [completion(short), completion(short)]
    runner.run_day(config, DAY, only="script")
    first, repair = (request["body"]["messages"] for request in httpd.requests)
    assert repair[: len(first)] == first  # the same conversation, not a new one
    assert repair[len(first)] == {"role": "assistant", "content": short}
    assert repair[-1]["role"] == "user" and "story 0 is not covered" in repair[-1]["content"]
    assert len(repair) == len(first) + 2


def test_a_client_error_is_fatal_at_once(tmp_path, tone_voices, monkeypatch, server):
    httpd = server([401])
    config = configure(tmp_path, tone_voices, monkeypatch, httpd)
    runner.run_day(config, DAY, only="script")
    data = json.loads((config.work_root / DAY.isoformat() / "script.json").read_text())
    assert data["attempts"][0]["detail"] == "openai (local): HTTP 401 (status 401)"
    assert "calls" not in data["attempts"][0] and len(httpd.requests) == 1


HOSTS = ["Oliver", "Shelby"]


@pytest.mark.parametrize("answer", [
    '{"lines": [{"speaker": "Oliver", "text": "Hi.", "story": null}]}',
    'Here you go:\n```json\n[{"Speaker": "OLIVER", "line": "Hi.", "story": "none"}]\n```\nEnjoy!',
    '{"script": [{"host": "oliver", "content": "Hi."}]}',
    '{"lines": [{"speaker": "Oliver", "text": "Hi.", "story": null}, {"speaker": "Shelby", "text": "Cut o',
])
def test_the_parser_is_tolerant(answer):
    lines = parse_lines(answer, HOSTS, "m")
    assert lines[0].speaker == "Oliver" and lines[0].text == "Hi." and lines[0].story is None and len(lines) == 1


def test_the_parser_keeps_story_numbers_and_unknown_speakers_for_the_checks():
    lines = parse_lines('{"lines": [{"speaker": "Narrator", "text": "x", "story": "1"}]}', HOSTS, "m")
    assert (lines[0].speaker, lines[0].story) == ("Narrator", 1)


@pytest.mark.parametrize("answer", ["I cannot help with that.", '{"lines": []}', '{"lines": [{"speaker": "Oliver"}]}'])
def test_an_answer_without_lines_is_unusable(answer):
    with pytest.raises(UnusableAnswer) as error:
        parse_lines(answer, HOSTS, "m")
    assert isinstance(error.value, FatalProviderError) and error.value.answer == answer
