"""Stage 2: the writer chain turns the day's stories into a dialogue, script.json (and script.md)."""

from __future__ import annotations

from pipeline import files
from pipeline.context import StageContext
from pipeline.errors import ProviderError, QAError, StageError
from pipeline.models import Line, Script, StoriesArtifact
from pipeline.providers import Host, ScriptBrief
from pipeline.text import word_count

ARTIFACT = "script.json"
READABLE = "script.md"


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


def check(lines: list[Line], hosts: list[str], story_count: int) -> list[str]:
    """Findings that make a script unfit to voice; each names the offending line (1-based)."""
    findings = []
    if not lines:
        return ["the script has no lines"]
    for number, line in enumerate(lines, start=1):
        if line.speaker not in hosts:
            findings.append(f"line {number}: speaker {line.speaker!r} is not a host ({', '.join(hosts)})")
        if not line.text.strip():
            findings.append(f"line {number}: empty text")
        if line.story is not None and not 0 <= line.story < story_count:
            findings.append(f"line {number}: story {line.story} does not exist (0..{story_count - 1})")
    return findings


def run(ctx: StageContext) -> Script:
    stories = ctx.read("stories.json", StoriesArtifact)
    day_brief = brief(ctx, stories)
    attempts = []
    for writer in ctx.writers():
        try:
            lines = writer.write(day_brief)
        except ProviderError as exc:
            ctx.log.warning("writer %s failed: %s; trying the next one", writer.name, exc)
            attempts.append({"writer": writer.name, "outcome": "error", "detail": str(exc)})
            continue
        findings = check(lines, ctx.host_names, len(stories.stories))
        if findings:
            ctx.log.warning("writer %s: script rejected: %s", writer.name, "; ".join(findings[:3]))
            attempts.append({"writer": writer.name, "outcome": "rejected", "findings": findings})
            continue
        attempts.append({"writer": writer.name, "outcome": "accepted"})
        script = Script(
            date=ctx.date,
            title=" / ".join(story.title for story in stories.stories),
            language=day_brief.language,
            writer=writer.name,
            lines=lines,
            target_words=day_brief.target_words,
            attempts=attempts,
        )
        save(ctx, script)
        ctx.log.info("script by %s: %d lines, %d words", writer.name, len(lines), words_in(script))
        return script
    raise QAError("no writer produced an acceptable script: " + "; ".join(a["writer"] + ": " + a["outcome"] for a in attempts))


def save(ctx: StageContext, script: Script) -> None:
    files.write_model(ctx.path(ARTIFACT), script)
    files.write_text(ctx.path(READABLE), readable(script))


def load(ctx: StageContext) -> Script:
    script = ctx.read(ARTIFACT, Script)
    findings = check(script.lines, ctx.host_names, _story_count(ctx))
    if findings:
        raise StageError(f"{ctx.path(ARTIFACT)}: " + "; ".join(findings))
    return script


def _story_count(ctx: StageContext) -> int:
    return len(ctx.read("stories.json", StoriesArtifact).stories)


def words_in(script: Script) -> int:
    return sum(word_count(line.text) for line in script.lines)


def readable(script: Script) -> str:
    rows = [f"# {script.title}", "", f"{script.date} · written by {script.writer} · {words_in(script)} words", ""]
    rows += [f"**{line.speaker}:** {line.text}\n" for line in script.lines]
    return "\n".join(rows)
