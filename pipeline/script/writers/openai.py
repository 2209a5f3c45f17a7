"""Any OpenAI-compatible chat endpoint (OpenAI, Mistral, Ollama, vLLM, LM Studio, a llama.cpp server).

Errors from the `openai` package are mapped here: timeouts, connection errors, 429 and 5xx are
transient (the script stage retries them with backoff), everything else is fatal (the chain moves on).

Endpoints differ in how they constrain the answer to JSON. `response_format: auto` asks for a JSON
schema (OpenAI, Mistral, vLLM, Ollama) and, when the endpoint refuses it, degrades once to the
llama.cpp server's `json_object` with an inline schema, then to plain `json_object`, then to none;
the answer is parsed tolerantly whichever way it came.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from pipeline.errors import FatalProviderError
from pipeline.providers.openai_api import make_client, provider_error
from pipeline.script.writers.chat import ChatOptions, ChatWriter, Completion

FormatName = Literal["auto", "json_schema", "json_object_schema", "json_object", "none"]
_DEGRADE: tuple[FormatName, ...] = ("json_schema", "json_object_schema", "json_object", "none")


class OpenAIOptions(ChatOptions):
    base_url: str | None = Field(default=None, description="Default: the OpenAI API.")
    model: str
    api_key_env: str | None = Field(default="OPENAI_API_KEY", description="Null for local servers without keys.")
    timeout_seconds: float = Field(default=120, gt=0)
    response_format: FormatName = Field(
        default="auto", description="How to ask for JSON; auto tries json_schema and degrades when refused."
    )


class OpenAIWriter(ChatWriter):
    name = "openai"
    Options = OpenAIOptions
    options: OpenAIOptions

    def __init__(self, options: OpenAIOptions) -> None:
        super().__init__(options)
        self._format: FormatName = "json_schema" if options.response_format == "auto" else options.response_format
        self._client = None

    @property
    def label(self) -> str:
        return f"openai ({self.options.model})"

    @property
    def model_name(self) -> str:
        return self.options.model

    @property
    def response_format(self) -> str:
        """The way of asking for JSON in use (after any degrading), for script.json."""
        return self._format

    def client(self):
        if self._client is None:
            self._client = make_client(self.options.base_url, self.options.api_key_env, self.options.timeout_seconds)
        return self._client

    def complete(self, messages: list[dict], schema: dict) -> Completion:
        import openai

        while True:
            try:
                response = self.client().chat.completions.create(
                    model=self.options.model,
                    messages=messages,
                    temperature=self.options.temperature,
                    max_tokens=self.options.max_tokens,
                    **_format_argument(self._format, schema),
                )
            except openai.APIStatusError as exc:
                if self._may_degrade(exc):
                    continue
                raise provider_error(exc, self.label) from exc
            except openai.OpenAIError as exc:
                raise provider_error(exc, self.label) from exc
            break
        if not response.choices:
            raise FatalProviderError(f"{self.label}: the answer has no choices")
        usage = response.usage
        return Completion(
            text=response.choices[0].message.content or "",
            prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
            completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
        )

    def _may_degrade(self, exc) -> bool:
        """In auto mode, an endpoint that refuses the way JSON was asked for is asked the next way."""
        if self.options.response_format != "auto" or exc.status_code not in (400, 422, 500, 501):
            return False
        position = _DEGRADE.index(self._format)
        if position + 1 >= len(_DEGRADE):
            return False
        self._format = _DEGRADE[position + 1]
        return True


def _format_argument(name: str, schema: dict) -> dict:
    if name == "json_schema":
        strict = _strict(schema)  # strict mode refuses length keywords such as minItems
        return {"response_format": {"type": "json_schema",
                                     "json_schema": {"name": "script", "schema": strict, "strict": True}}}
    if name == "json_object_schema":
        return {"response_format": {"type": "json_object", "schema": schema}}
    if name == "json_object":
        return {"response_format": {"type": "json_object"}}
    return {}


def _strict(schema):
    if isinstance(schema, dict):
        return {k: _strict(v) for k, v in schema.items() if k not in ("minItems", "maxItems")}
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema
