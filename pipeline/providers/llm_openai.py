"""Any OpenAI-compatible chat endpoint (OpenAI, Mistral, Ollama, vLLM, LM Studio, a llama.cpp server).

Errors from the `openai` package are mapped here: timeouts, rate limits and 5xx are transient (the
runner retries them), everything else is fatal (the runner falls back to the next writer).
"""

from __future__ import annotations

import json
import os

from pydantic import Field

from pipeline.errors import FatalProviderError, TransientProviderError
from pipeline.models import Line
from pipeline.prompts import load_template, render
from pipeline.providers.base import ProviderOptions, ScriptBrief, Writer


class OpenAIOptions(ProviderOptions):
    base_url: str | None = Field(default=None, description="Default: the OpenAI API.")
    model: str
    api_key_env: str | None = Field(default="OPENAI_API_KEY", description="Null for local servers without keys.")
    temperature: float = Field(default=0.7, ge=0, le=2)
    max_tokens: int = Field(default=2500, gt=0)
    timeout_seconds: float = Field(default=120, gt=0)


class OpenAIWriter(Writer):
    name = "openai"
    Options = OpenAIOptions
    options: OpenAIOptions

    def messages(self, brief: ScriptBrief) -> list[dict]:
        lead, co = (host.name for host in brief.hosts)
        variables = dict(
            show=brief.show_title, lead=lead, co=co, date_spoken=brief.date_iso,
            target_words=brief.target_words, stories=brief.stories,
        )
        system = load_template(brief.prompts_dir, brief.language, "system.j2")
        user = load_template(brief.prompts_dir, brief.language, "user.j2")
        return [
            {"role": "system", "content": render(system, "system.j2", **variables)},
            {"role": "user", "content": render(user, "user.j2", **variables)},
        ]

    def write(self, brief: ScriptBrief) -> list[Line]:
        import openai

        key = os.environ.get(self.options.api_key_env, "") if self.options.api_key_env else "not-needed"
        client = openai.OpenAI(
            base_url=self.options.base_url, api_key=key, timeout=self.options.timeout_seconds, max_retries=0
        )
        try:
            response = client.chat.completions.create(
                model=self.options.model,
                messages=self.messages(brief),
                temperature=self.options.temperature,
                max_tokens=self.options.max_tokens,
                response_format={"type": "json_object"},
            )
        except (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError) as exc:
            raise TransientProviderError(f"openai ({self.options.model}): {type(exc).__name__}") from exc
        except openai.APIStatusError as exc:
            error = TransientProviderError if exc.status_code >= 500 else FatalProviderError
            raise error(f"openai ({self.options.model}): HTTP {exc.status_code}") from exc
        content = response.choices[0].message.content or ""
        return parse_lines(content, self.options.model)


def parse_lines(content: str, model: str) -> list[Line]:
    """The model's JSON, tolerantly: code fences and text around the object are ignored."""
    start, end = content.find("{"), content.rfind("}")
    try:
        data = json.loads(content[start : end + 1]) if start >= 0 else None
        return [Line.model_validate(item) for item in data["lines"]]
    except (ValueError, TypeError, KeyError) as exc:
        raise FatalProviderError(f"openai ({model}): the answer is not the script JSON asked for: {exc}") from exc
