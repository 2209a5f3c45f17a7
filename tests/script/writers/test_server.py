"""The LLM writers against a real model: Gemma 3 270M, through llama.cpp's OpenAI-compatible server and
in process. The model is tiny and writes poor dialogue: the tests show the endpoint being detected, the
answer parsed, the checks rejecting it, the repair turn being made, and the chain falling back."""

from __future__ import annotations

import json
from datetime import date

import pytest

from pipeline import runner
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.context import StageContext
from pipeline.errors import FatalProviderError
from pipeline.models import StoriesArtifact
from pipeline.script import stage as script_stage
from pipeline.script.writers.chat import UnusableAnswer
from pipeline.script.writers.llamacpp import LlamaCppOptions, LlamaCppWriter
from pipeline.script.writers.openai import OpenAIOptions, OpenAIWriter
from tests.conftest import published_audio, show_config, write_config

DAY = date(2026, 11, 30)
pytestmark = pytest.mark.llm


@pytest.fixture
def day_brief(quick_config):
    runner.run_day(quick_config, DAY, only="stories")
    ctx = StageContext(config=quick_config, date=DAY, now=None)
    return script_stage.brief(ctx, ctx.read("stories.json", StoriesArtifact))


def _answer(writer, brief):
    """The lines, or the unusable answer: either way the model's real output."""
    try:
        return writer.write(brief), writer.last_answer
    except UnusableAnswer as exc:
        return [], exc.answer


def test_the_openai_writer_finds_the_json_mode_a_llama_server_accepts(llama_server, day_brief):
    writer = OpenAIWriter(OpenAIOptions(base_url=llama_server, model="gemma", api_key_env=None, max_tokens=160,
                                        article_words=50, temperature=0, timeout_seconds=300))
    lines, answer = _answer(writer, day_brief)
    assert writer.response_format == "json_object_schema"  # json_schema was refused with HTTP 500
    assert answer.lstrip().startswith("{")  # the grammar held the model to JSON
    assert lines, f"no lines parsed from the answer: {answer[:300]!r}"
    assert all(line.speaker in ("Oliver", "Shelby") for line in lines)
    assert writer.usage.calls == 1 and writer.usage.prompt_tokens > 200 and writer.usage.completion_tokens > 0


def test_a_full_run_with_gemma_rejects_repairs_and_falls_back_to_extractive(llama_server, tmp_path, tone_voices):
    writer = {"provider": "openai", "base_url": llama_server, "model": "gemma-3-270m", "api_key_env": None,
              "max_tokens": 300, "article_words": 80, "timeout_seconds": 300}
    data = show_config(tmp_path, hosts=tone_voices, script={"writers": [writer, "extractive"], "retry_attempts": 1})
    path = write_config(tmp_path, data)
    assert main(["--config", str(path), "run", "--date", DAY.isoformat()]) == 0

    config = load_config(path)
    assert published_audio(config, DAY).stat().st_size > 0
    script = json.loads((config.work_root / DAY.isoformat() / "script.json").read_text())
    assert script["writer"] == "extractive"
    assert [(a["writer"], a["kind"], a["outcome"]) for a in script["attempts"]] == [
        ("openai", "write", "rejected"), ("openai", "repair", "rejected"), ("extractive", "write", "accepted")]
    for attempt in script["attempts"][:2]:
        assert attempt["findings"], attempt
        assert attempt["response_format"] == "json_object_schema", attempt  # the server refused json_schema
    assert script["usage"]["calls"] == 2 and script["usage"]["prompt_tokens"] > 1000
    assert script["usage"]["estimated_cost"] == 0.0


def test_the_llamacpp_writer_runs_the_gguf_in_process(gemma_path, day_brief):
    writer = LlamaCppWriter(LlamaCppOptions(model_path=gemma_path, context_tokens=2048, threads=2, seed=7,
                                            max_tokens=60, article_words=50, temperature=0))
    lines, answer = _answer(writer, day_brief)
    assert answer.lstrip().startswith("{")
    assert lines, f"no lines parsed from the answer: {answer[:300]!r}"
    assert all(line.speaker in ("Oliver", "Shelby") for line in lines)
    assert writer.usage.calls == 1 and writer.usage.prompt_tokens > 200


def test_the_llamacpp_writer_names_a_missing_model(tmp_path, day_brief):
    writer = LlamaCppWriter(LlamaCppOptions(model_path=tmp_path / "nope.gguf"))
    with pytest.raises(FatalProviderError, match=r"llamacpp \(nope.gguf\): model_path .*nope.gguf is not a file"):
        writer.write(day_brief)


def test_doctor_finds_a_running_llama_server_ready(llama_server, tmp_path, tone_voices):
    from pipeline.ops import doctor

    writers = [{"provider": "openai", "base_url": llama_server, "model": "gemma", "api_key_env": None}]
    config_path = write_config(tmp_path, show_config(tmp_path, hosts=tone_voices, script={"writers": writers}))
    checks = {check.name: check for check in doctor.run_checks(config_path)}
    assert checks["writer openai"].status == doctor.OK, checks["writer openai"]
