"""The writer's own phrases, from prompts/<language>/extractive.yaml: picked seeded by the date, so a
rerun gives the same script, and never one variant twice in an episode."""

from __future__ import annotations

import random
from collections.abc import Callable

from pipeline.errors import ConfigError
from pipeline.script.prompts import load_phrases, render


class Phrases:
    def __init__(self, prompts_dir, language: str, seed: str) -> None:
        self.where = f"prompts/{language}/extractive.yaml"
        self.phrases = load_phrases(prompts_dir, language, "extractive")
        self.rng = random.Random(seed)
        self.order: dict[str, list[int]] = {}
        self.used: set[tuple[str, int]] = set()

    def variants(self, key: str) -> list[str]:
        variants = self.phrases.get(key)
        if not variants or not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
            raise ConfigError(f"{self.where}: missing phrase list '{key}'")
        return variants

    def pick(self, key: str, accept: Callable[[str], bool] | None = None, **variables) -> str | None:
        """A variant of `key` not said yet in this episode (and that `accept` takes), rendered; None if none is left."""
        variants = self.variants(key)
        order = self.order.get(key)
        if order is None:
            order = self.order[key] = self.rng.sample(range(len(variants)), len(variants))
        for index in order:
            if (key, index) in self.used:
                continue
            text = render(variants[index], f"{self.where}: {key}", **variables)
            if accept is None or accept(text):
                self.used.add((key, index))
                return text
        return None

    def has(self, key: str) -> bool:
        """Whether `key` has a variant not said yet in this episode."""
        return any((key, index) not in self.used for index in range(len(self.variants(key))))

    def need(self, key: str, **variables) -> str:
        """Like `pick`, for the phrases an episode cannot do without (greeting, sign-off)."""
        text = self.pick(key, **variables)
        if text is None:
            raise ConfigError(f"{self.where}: '{key}' has run out of variants")
        return text

    def word(self, key: str) -> str:
        """A single word of the language, the same every time ("and")."""
        value = self.phrases.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{self.where}: '{key}' must be a word")
        return value.strip()

    def calendar(self, key: str, index: int, count: int) -> str:
        names = self.phrases.get(key)
        if not isinstance(names, list) or len(names) != count:
            raise ConfigError(f"{self.where}: '{key}' must list {count} names")
        return str(names[index])
