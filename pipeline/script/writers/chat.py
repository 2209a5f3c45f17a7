"""What every chat-model writer shares: the prompt, the JSON answer, the repair turn, the cost meter.

A concrete writer (openai, llamacpp) implements one step, `complete(messages, schema) -> Completion`;
this module renders the prompt from prompts/<language>/, parses the answer tolerantly, and asks the
same model to fix the validator's findings once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import Field

from pipeline.errors import FatalProviderError
from pipeline.models import Line
from pipeline.providers import ProviderOptions
from pipeline.script.prompts import load_phrases, load_template, render
from pipeline.script.writers.base import ScriptBrief, Writer
from pipeline.text import slug, words


class ChatOptions(ProviderOptions):
    temperature: float = Field(default=0.7, ge=0, le=2)
    max_tokens: int = Field(default=2500, gt=0)
    article_words: int = Field(
        default=400, ge=50, description="Each article is cut to this many words in the prompt (the checks use all of it)."
    )
    input_cost_per_million: float = Field(default=0.0, ge=0, description="Price of a million prompt tokens.")
    output_cost_per_million: float = Field(default=0.0, ge=0, description="Price of a million answer tokens.")


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class UnusableAnswer(FatalProviderError):
    """The model answered, but not with the script JSON asked for. The repair turn may fix it."""

    def __init__(self, message: str, answer: str) -> None:
        super().__init__(message)
        self.answer = answer


MIN_LINES = 8


def script_schema(hosts: list[str], story_count: int) -> dict:
    """The JSON schema of the answer: {"lines": [{speaker, text, story}]}."""
    return {
        "type": "object",
        "properties": {
            "lines": {
                "type": "array",
                "minItems": MIN_LINES,
                "items": {
                    "type": "object",
                    "properties": {
                        "speaker": {"type": "string", "enum": hosts},
                        "text": {"type": "string"},
                        "story": {"anyOf": [{"type": "integer", "enum": list(range(story_count))}, {"type": "null"}]},
                    },
                    "required": ["speaker", "text", "story"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["lines"],
        "additionalProperties": False,
    }


class ChatWriter(Writer):
    Options = ChatOptions
    options: ChatOptions
    last_answer: str | None = None
    _last_messages: list[dict] | None = None  # what the last answer answered: the repair turn continues it

    @property
    def label(self) -> str:
        return self.name

    def complete(self, messages: list[dict], schema: dict) -> Completion:
        raise NotImplementedError

    def estimate_cost(self, messages: list[dict]) -> float:
        """An upper bound for one call, before it is made: ~4 characters a token, the full max_tokens."""
        prompt_tokens = sum(len(m["content"]) for m in messages) / 4
        return self._price(prompt_tokens, self.options.max_tokens)

    def _price(self, prompt_tokens: float, completion_tokens: float) -> float:
        return (prompt_tokens * self.options.input_cost_per_million
                + completion_tokens * self.options.output_cost_per_million) / 1_000_000

    # -- the conversation --------------------------------------------------------------------------

    def messages(self, brief: ScriptBrief) -> list[dict]:
        variables = prompt_variables(brief, self.options.article_words)
        system = render(load_template(brief.prompts_dir, brief.language, "system.j2"), "system.j2", **variables)
        user = render(load_template(brief.prompts_dir, brief.language, "user.j2"), "user.j2", **variables)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def write(self, brief: ScriptBrief) -> list[Line]:
        return self._ask(self.messages(brief), brief)

    def revise(self, brief: ScriptBrief, findings: list[str]) -> list[Line]:
        """The repair turn: the same conversation, the model's last answer, and the findings to fix."""
        answer = self.last_answer or ""
        template = load_template(brief.prompts_dir, brief.language, "repair.j2")
        request = render(template, "repair.j2", findings=findings, target_words=brief.target_words)
        messages = (self._last_messages or self.messages(brief)) + [
            {"role": "assistant", "content": answer},
            {"role": "user", "content": request},
        ]
        return self._ask(messages, brief)

    def _ask(self, messages: list[dict], brief: ScriptBrief) -> list[Line]:
        self.budget.allow(self.estimate_cost(messages), self.label)
        completion = self.complete(messages, script_schema([h.name for h in brief.hosts], len(brief.stories)))
        cost = self._price(completion.prompt_tokens, completion.completion_tokens)
        self.usage.add(completion.prompt_tokens, completion.completion_tokens, cost)
        self.budget.spend(cost)
        self.last_answer, self._last_messages = completion.text, messages
        return parse_lines(completion.text, [h.name for h in brief.hosts], self.label)


def prompt_variables(brief: ScriptBrief, article_words: int) -> dict:
    lead, co = brief.hosts
    day = date.fromisoformat(brief.date_iso)
    calendar = _calendar(brief)
    personas = {host.name: _persona(brief, host.name, host.role, lead.name, co.name) for host in brief.hosts}
    base = dict(show=brief.show_title, lead=lead.name, co=co.name, target_words=brief.target_words,
                date_spoken=f"{calendar['weekdays'][day.weekday()]}, {_spoken_day(brief.language, day, calendar)}")
    show_format = render(load_template(brief.prompts_dir, brief.language, "format.j2"), "format.j2", **base)
    stories = [
        dict(index=i, title=s.title, source=s.source, text=_cut(s.text, article_words),
             also=[dict(source=a.source, text=_cut(a.text, article_words // 2)) for a in s.also_reported_by
                   if a.source != s.source])
        for i, s in enumerate(brief.stories)
    ]
    return {**base, "format": show_format, "personas": personas, "stories": stories}


def _calendar(brief: ScriptBrief) -> dict:
    """The language's weekday and month names, from the same phrase file the offline writer speaks
    from: a broken file is an error here too, never English dates in a Dutch show."""
    return load_phrases(brief.prompts_dir, brief.language, "extractive")


def _spoken_day(language: str, day: date, calendar: dict) -> str:
    month = calendar["months"][day.month - 1]
    return f"{day.day} {month}" if language == "nl" else f"{month} {day.day}"


def _persona(brief: ScriptBrief, name: str, role: str, lead: str, co: str) -> str:
    path = Path("hosts") / f"{slug(name)}.j2"
    template = load_template(brief.prompts_dir, brief.language, str(path))
    return render(template, str(path), name=name, role=role, lead=lead, co=co, show=brief.show_title)


def _cut(text: str, limit: int) -> str:
    """At most `limit` words, cut at a paragraph or sentence end where possible."""
    if len(words(text)) <= limit:
        return text
    kept, count = [], 0
    for paragraph in text.split("\n"):
        n = len(words(paragraph))
        if count + n > limit:
            break
        kept.append(paragraph)
        count += n
    return "\n".join(kept) if kept else " ".join(text.split()[:limit])


# -- the answer ------------------------------------------------------------------------------------

_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.MULTILINE)
_TEXT_KEYS = ("text", "line", "content", "dialogue", "says")
_SPEAKER_KEYS = ("speaker", "host", "name", "role")


def parse_lines(answer: str, hosts: list[str], label: str) -> list[Line]:
    """The script JSON, tolerantly: code fences, prose around it, a bare list instead of {"lines": ...},
    other common key names, a speaker in the wrong case, and an answer cut off at max_tokens (the
    complete lines are kept)."""
    data = _json_in(answer)
    if isinstance(data, dict):
        data = next((v for k, v in data.items() if k.lower() in ("lines", "script", "dialogue") and isinstance(v, list)), None)
    if not isinstance(data, list):
        raise UnusableAnswer(f"{label}: the answer is not the script JSON asked for: {_preview(answer)}", answer)
    by_lower = {h.lower(): h for h in hosts}
    lines = []
    for item in data:
        if not isinstance(item, dict):
            continue
        keys = {str(k).lower(): v for k, v in item.items()}
        speaker = next((keys[k] for k in _SPEAKER_KEYS if isinstance(keys.get(k), str)), "")
        text = next((keys[k] for k in _TEXT_KEYS if isinstance(keys.get(k), str)), "")
        story = keys.get("story")
        if isinstance(story, str):
            digits = re.search(r"\d+", story)
            story = int(digits.group()) if digits else None
        if not isinstance(story, int) or isinstance(story, bool):
            story = None
        speaker = by_lower.get(speaker.strip().lower(), speaker.strip())
        if text.strip():
            lines.append(Line(speaker=speaker, text=" ".join(text.split()), story=story))
    if not lines:
        raise UnusableAnswer(f"{label}: the answer has no dialogue lines: {_preview(answer)}", answer)
    return lines


def _json_in(answer: str):
    text = _FENCE.sub("", answer.strip())
    starts = [i for i in (text.find("{"), text.find("[")) if i >= 0]
    if not starts:
        return None
    text = text[min(starts):]
    decoder = json.JSONDecoder()
    try:
        return decoder.raw_decode(text)[0]
    except ValueError:
        return _salvage(text)


def _salvage(text: str):
    """An answer cut off mid-line: keep every complete {...} line object that came before the cut."""
    objects = []
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\{\s*\"", text):
        if match.start() == 0 and text.lstrip().startswith('{"lines"'):
            continue
        try:
            value, _ = decoder.raw_decode(text[match.start():])
        except ValueError:
            continue
        if isinstance(value, dict) and not any(isinstance(v, list) for v in value.values()):
            objects.append(value)
    return objects or None


def _preview(answer: str) -> str:
    flat = " ".join(answer.split())
    return repr(flat[:120] + ("..." if len(flat) > 120 else ""))
