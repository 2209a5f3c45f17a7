"""A local GGUF model in process, through llama-cpp-python (`pip install 'dailycast[local]'`).

No server, no key, no network: the model file is loaded once per run and the answer is constrained
to the script's JSON schema by llama.cpp's grammar.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from pipeline.errors import ConfigError, FatalProviderError
from pipeline.script.writers.chat import ChatOptions, ChatWriter, Completion


class LlamaCppOptions(ChatOptions):
    model_path: Path = Field(description="A GGUF file.")
    context_tokens: int = Field(default=8192, ge=512, description="The model's context window (n_ctx).")
    threads: int | None = Field(default=None, ge=1, description="CPU threads; default: llama.cpp's choice.")
    seed: int = Field(default=-1, description="-1: random; a number makes a run repeatable.")


class LlamaCppWriter(ChatWriter):
    name = "llamacpp"
    Options = LlamaCppOptions
    options: LlamaCppOptions

    def __init__(self, options: LlamaCppOptions) -> None:
        super().__init__(options)
        self._model = None

    @property
    def label(self) -> str:
        return f"llamacpp ({self.options.model_path.name})"

    @property
    def model_name(self) -> str:
        return self.options.model_path.stem

    def model(self):
        if self._model is None:
            try:
                from llama_cpp import Llama
            except ImportError:
                raise ConfigError(
                    "script.writers: provider 'llamacpp' needs llama-cpp-python: pip install 'dailycast[local]'"
                ) from None
            path = self.options.model_path.expanduser()
            if not path.is_file():
                raise FatalProviderError(f"{self.label}: model_path {path} is not a file")
            try:
                self._model = Llama(
                    model_path=str(path), n_ctx=self.options.context_tokens, n_threads=self.options.threads,
                    seed=self.options.seed, verbose=False,
                )
            except (ValueError, RuntimeError, OSError) as exc:
                raise FatalProviderError(f"{self.label}: cannot load the model: {exc}") from exc
        return self._model

    def complete(self, messages: list[dict], schema: dict) -> Completion:
        model = self.model()
        try:
            result = model.create_chat_completion(
                messages=messages,
                temperature=self.options.temperature,
                max_tokens=self.options.max_tokens,
                response_format={"type": "json_object", "schema": schema},
            )
        except (ValueError, RuntimeError) as exc:  # e.g. the prompt does not fit the context window
            raise FatalProviderError(f"{self.label}: {' '.join(str(exc).split())[:200]}") from exc
        usage = result.get("usage") or {}
        return Completion(
            text=result["choices"][0]["message"].get("content") or "",
            prompt_tokens=usage.get("prompt_tokens", 0),
            completion_tokens=usage.get("completion_tokens", 0),
        )
