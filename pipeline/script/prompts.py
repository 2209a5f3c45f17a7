"""Loads the show's phrase and prompt templates from the prompts folder, per language.

Templates are rendered in Jinja2's sandbox with strict undefined variables: a typo in a template is
an error naming the template, not a silent blank in the show.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from pipeline.errors import ConfigError
from pipeline.files import read_yaml_mapping

_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


def load_phrases(prompts_dir: Path, language: str, name: str) -> dict:
    path = prompts_dir / language / f"{name}.yaml"
    return read_yaml_mapping(path, missing=f"no '{name}' phrases for language '{language}'")


def render(template: str, where: str, **variables) -> str:
    try:
        return _env.from_string(template).render(**variables).strip()
    except TemplateError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def load_template(prompts_dir: Path, language: str, name: str) -> str:
    path = prompts_dir / language / name
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no template '{name}' for language '{language}'") from None
