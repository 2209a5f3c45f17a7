"""Loads the show's phrase and prompt templates from the prompts folder, per language.

Templates are rendered in Jinja2's sandbox with strict undefined variables: a typo in a template is
an error naming the template, not a silent blank in the show.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from pipeline.errors import ConfigError

_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


def load_phrases(prompts_dir: Path, language: str, name: str) -> dict:
    path = prompts_dir / language / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no '{name}' phrases for language '{language}'") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of phrase lists")
    return data


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
