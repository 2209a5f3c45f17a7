"""Stage 2: the writer chain turns the day's stories into a dialogue, script.json (and script.md).

Each writer of the chain gets one try and, when the checks reject it, one repair turn with the findings
(writers that cannot revise, like the offline one, skip it); transient errors are retried with backoff
first. The first script that passes wins. script.json records every attempt, the findings that
rejected it, and the tokens and estimated cost spent.

script.md is the same script for a person to read and edit (the format is in `readable`). When it is
newer than script.json, the voice stage reads it back; either edit goes through the same checks.
"""

from __future__ import annotations

import os
import time

from pipeline import artifacts, files
from pipeline.context import StageContext
from pipeline.errors import ProviderError, QAError, StageError
from pipeline.models import Line, Script, StoriesArtifact
from pipeline.providers.retry import with_retries
from pipeline.script.checks import Finding, Grounds, check_script
from pipeline.script.markdown import parse_markdown, readable
from pipeline.script.writers import Host, ScriptBrief, Writer
from pipeline.script.writers.base import CostBudget
from pipeline.script.writers.chat import UnusableAnswer
from pipeline.text import word_count

SOFT_RULES = {"length"}
MAX_KEPT_LINES = 60  # of a rejected script, kept in script.json to show what was rejected  # a wrong length alone never stops the offline writer or a producer's edit


def brief(ctx: StageContext, stories: StoriesArtifact) -> ScriptBrief:
    lead, co = ctx.host_names
    return ScriptBrief(
        show_title=ctx.config.show.title,
        language=ctx.config.show.language,
        date_iso=ctx.date.isoformat(),
        hosts=(Host(lead, "lead"), Host(co, "co")),
        stories=tuple(stories.stories),
        target_words=ctx.config.script.target_words,
        prompts_dir=ctx.config.prompts_root,
    )


def grounds(ctx: StageContext, stories: StoriesArtifact) -> Grounds:
    return Grounds(
        stories=tuple(stories.stories),
        hosts=tuple(ctx.host_names),
        show_title=ctx.config.show.title,
        day=ctx.date,
        allowlist=tuple(ctx.config.script.allowlist) + (ctx.config.show.author,),
        language=ctx.config.show.language,
    )


def check(lines: list[Line], ctx: StageContext, day_grounds: Grounds) -> list[Finding]:
    return check_script(lines, day_grounds, ctx.config.script.target_words)


def hard(findings: list[Finding]) -> list[Finding]:
    """The findings that stop a script (the soft ones are only logged)."""
    return [f for f in findings if f.rule not in SOFT_RULES]


def run(ctx: StageContext) -> Script:
    stories = ctx.read(artifacts.STORIES, StoriesArtifact)
    day_brief = brief(ctx, stories)
    day_grounds = grounds(ctx, stories)
    budget = CostBudget(ctx.config.script.max_cost_per_run)
    chain = ctx.writers()
    attempts: list[dict] = []
    rejected: tuple[Writer, list[Line]] | None = None
    for position, writer in enumerate(chain):
        writer.budget = budget
        last_link = position == len(chain) - 1
        findings: list[Finding] = []
        for kind in ("write", "repair"):
            attempt = {"writer": writer.name, "kind": kind}
            attempts.append(attempt)
            started = time.perf_counter()
            try:
                to_fix = [str(f) for f in findings] if kind == "repair" else None
                lines = _call(ctx, writer, day_brief, to_fix, attempt)
            except UnusableAnswer as exc:
                findings = [Finding("format", str(exc))]
                attempt.update(outcome="rejected", findings=[str(exc)], seconds=_since(started))
                ctx.log.warning("writer %s: %s", writer.name, exc)
                continue
            except ProviderError as exc:
                attempt.update(outcome="error", detail=str(exc), seconds=_since(started))
                ctx.log.warning("writer %s failed: %s; trying the next one", writer.name, exc)
                break
            if lines is None:  # this writer cannot revise
                attempts.pop()
                break
            findings = check(lines, ctx, day_grounds)
            stopping = hard(findings)
            attempt["seconds"] = _since(started)
            if not findings or (last_link and not stopping):
                attempt["outcome"] = "accepted" if not findings else "accepted-with-findings"
                if findings:
                    attempt["findings"] = [str(f) for f in findings]
                return _accept(ctx, stories, day_brief, writer, lines, attempts, chain)
            attempt.update(outcome="rejected", findings=[str(f) for f in findings],
                           script=[f"{line.speaker} [{_story(line)}]: {line.text}" for line in lines[:MAX_KEPT_LINES]])
            rejected = (writer, lines)
            ctx.log.warning("writer %s: script rejected (%d findings): %s", writer.name, len(findings),
                            "; ".join(str(f) for f in findings[:3]))
    if ctx.accept_script and rejected:
        writer, lines = rejected
        attempts.append({"writer": "producer", "kind": "override", "outcome": "accepted-by-producer"})
        ctx.log.warning("--accept-script: keeping the last rejected script, by %s", writer.name)
        return _accept(ctx, stories, day_brief, writer, lines, attempts, chain)
    summary = "; ".join(_summary(a) for a in attempts)
    raise QAError(f"no writer produced an acceptable script: {summary}")


def _call(ctx: StageContext, writer: Writer, day_brief: ScriptBrief, findings: list[str] | None, attempt: dict):
    """writer.write (or, with findings, writer.revise) with backoff on transient errors; counts the calls."""
    calls = 0

    def action():
        nonlocal calls
        calls += 1
        return writer.write(day_brief) if findings is None else writer.revise(day_brief, findings)

    try:
        return with_retries(
            action, what=f"writer {writer.name}",
            attempts=ctx.config.script.retry_attempts, base_delay=ctx.config.script.retry_base_seconds,
        )
    finally:
        if calls > 1:
            attempt["calls"] = calls
        if getattr(writer, "response_format", None):  # how an OpenAI-compatible endpoint was asked for JSON
            attempt["response_format"] = writer.response_format


def _accept(ctx, stories, day_brief, writer, lines, attempts, chain) -> Script:
    script = Script(
        date=ctx.date,
        title=" / ".join(story.title for story in stories.stories),
        language=day_brief.language,
        writer=writer.name,
        model=writer.model_name,
        lines=lines,
        target_words=day_brief.target_words,
        attempts=attempts,
        usage=_usage(chain),
    )
    save(ctx, script, stories)
    ctx.log.info("script by %s: %d lines, %d words", writer.name, len(lines), words_in(script))
    return script


def _usage(chain: list[Writer]) -> dict[str, int | float]:
    total = {"calls": 0, "prompt_tokens": 0, "completion_tokens": 0, "estimated_cost": 0.0}
    for writer in chain:
        total["calls"] += writer.usage.calls
        total["prompt_tokens"] += writer.usage.prompt_tokens
        total["completion_tokens"] += writer.usage.completion_tokens
        total["estimated_cost"] = round(total["estimated_cost"] + writer.usage.cost, 6)
    return total


def _summary(attempt: dict) -> str:
    detail = attempt.get("detail") or "; ".join(attempt.get("findings", [])[:2])
    return f"{attempt['writer']} {attempt['kind']}: {attempt['outcome']}" + (f" ({detail})" if detail else "")


def _story(line: Line) -> str:
    return "-" if line.story is None else str(line.story)


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 2)


def save(ctx: StageContext, script: Script, stories: StoriesArtifact) -> None:
    """script.json and script.md together; script.md gets script.json's time, so a later edit shows."""
    files.write_model(ctx.path(artifacts.SCRIPT), script)
    files.write_text(ctx.path(artifacts.SCRIPT_MD), readable(script, [s.title for s in stories.stories]))
    stamp = ctx.path(artifacts.SCRIPT).stat().st_mtime_ns
    os.utime(ctx.path(artifacts.SCRIPT_MD), ns=(stamp, stamp))


def load(ctx: StageContext) -> Script:
    """The script to voice: script.json, or script.md when a producer edited it after; checked again."""
    script = ctx.read(artifacts.SCRIPT, Script)
    stories = ctx.read(artifacts.STORIES, StoriesArtifact)
    json_path, md_path = ctx.path(artifacts.SCRIPT), ctx.path(artifacts.SCRIPT_MD)
    edited = None
    if md_path.exists() and md_path.stat().st_mtime_ns > json_path.stat().st_mtime_ns:
        edited = artifacts.SCRIPT_MD
        try:
            lines = parse_markdown(md_path.read_text(encoding="utf-8"), len(stories.stories))
        except ValueError as exc:
            raise StageError(f"{md_path}: {exc}") from None
        script = script.model_copy(update={"lines": lines})
    elif not md_path.exists() or md_path.stat().st_mtime_ns < json_path.stat().st_mtime_ns:
        edited = artifacts.SCRIPT
    findings = check(script.lines, ctx, grounds(ctx, stories))
    stopping = hard(findings)
    for finding in findings:
        if finding.rule in SOFT_RULES:
            ctx.log.warning("%s: %s", json_path.name, finding)
    overridden = not edited and bool(script.attempts) and script.attempts[-1].get("outcome") == "accepted-by-producer"
    if stopping and not ctx.accept_script and not overridden:
        source = ctx.path(edited or artifacts.SCRIPT)
        raise StageError(
            f"{source}: the script fails its checks (fix it, or voice it anyway with --accept-script): "
            + "; ".join(str(f) for f in stopping)
        )
    if edited:
        note = {"writer": "producer", "kind": "edit", "file": edited,
                "outcome": "accepted-by-producer" if stopping else "accepted"}
        if stopping:
            note["findings"] = [str(f) for f in stopping]
            ctx.log.warning("--accept-script: voicing %s despite %d findings", edited, len(stopping))
        script = script.model_copy(update={"attempts": script.attempts + [note]})
        save(ctx, script, stories)
    return script


def words_in(script: Script) -> int:
    return sum(word_count(line.text) for line in script.lines)
