"""Stage 3: every line of the script, synthesized by its host's voice, as lines/NNN-host.wav.

Each line is said as a newsreader would say it: numbers, currencies, units and abbreviations written
out, and the show's pronunciation lexicon applied (pipeline.text.reading); the script keeps the written
form. Lines come from the line cache when their provider, voice, options and spoken text are unchanged;
only the rest is synthesized, spread over all cores (pipeline.voice.synthesis). A line whose voice fails
is spoken by the host's fallback voice, and so is a line the speech check could not hear (ctx.revoice).
Each WAV is at the show's sample rate with the voice's own leading and trailing silence trimmed.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from pipeline import artifacts, audio, files
from pipeline.context import StageContext
from pipeline.models import Script, VoicedLine, VoiceManifest
from pipeline.text import reading, slug
from pipeline.voice import synthesis

CACHE_FOLDER = "cache/lines"


def run(ctx: StageContext) -> VoiceManifest:
    script = ctx.read(artifacts.SCRIPT, Script)  # as the runner took in any edit (script.stage.load)
    rate = ctx.config.mix.sample_rate
    folder = ctx.path(artifacts.LINES)
    folder.mkdir(parents=True, exist_ok=True)
    use_cache = ctx.config.voicing.cache
    cache = ctx.config.work_root / CACHE_FOLDER
    language, lexicon = ctx.config.show.language, ctx.config.voicing.lexicon

    names: list[str] = []
    jobs: dict[Path, synthesis.Job] = {}  # one job per distinct target file
    line_jobs: list[synthesis.Job] = []  # per line: the job that makes (or made) its audio
    synthesized: list[int] = []
    for index, line in enumerate(script.lines, start=1):
        names.append(f"{index:03d}-{slug(line.speaker)}.wav")
        label = f"line {index} ({line.speaker})"
        said = reading.spoken(line.text, language, lexicon)
        revoiced = index in ctx.revoice  # the speech check could not hear it: the fallback voice, afresh
        where = cache if use_cache else None
        job = _job(ctx, line.speaker, revoiced, label, said, rate, where, folder / names[-1])
        if not revoiced and _has_fallback(ctx, line.speaker):
            fallback = _job(ctx, line.speaker, True, label, said, rate, where, folder / names[-1])
            job = dataclasses.replace(job, fallback=fallback)
        line_jobs.append(job)
        if use_cache and job.target.exists() and not revoiced:
            continue
        if job.target not in jobs:
            synthesized.append(index)
            jobs[job.target] = job

    workers = ctx.config.voicing.workers or synthesis.default_workers()
    started = time.perf_counter()
    # The deadline guard is asked between lines: a slow voice is left while there is time for the fast path.
    between = None if ctx.fast_path else ctx.deadline_check
    outcomes = dict(zip(jobs, synthesis.run_jobs(list(jobs.values()), workers, between=between)))
    elapsed = time.perf_counter() - started

    voiced = []
    for index, (name, job, line) in enumerate(zip(names, line_jobs, script.lines), start=1):
        outcome = outcomes.get(job.target)
        source = outcome.target if outcome else job.target
        if use_cache:
            synthesis.place(source, folder / name)
        reason = "the speech check could not hear it" if index in ctx.revoice else outcome.fell_back if outcome else ""
        spoke = ctx.voice(line.speaker, fallback=bool(reason))
        if reason:
            ctx.log.warning("line %d (%s) spoken by the fallback voice %s: %s", index, line.speaker, spoke.describe(),
                            reason)
        voiced.append(VoicedLine(index=index, speaker=line.speaker, file=name, voice=spoke.describe(), fallback=reason,
                                 seconds=round(audio.wav_length(folder / name) / rate, 3)))
    manifest = VoiceManifest(
        sample_rate=rate,
        voices={host: ctx.voice(host).describe() for host in ctx.host_names},
        lines=voiced,
        synthesized=synthesized,
        synthesis_seconds=round(elapsed, 3),
    )
    files.write_model(ctx.path(artifacts.VOICE), manifest)
    speech = sum(v.seconds for v in voiced)
    ctx.log.info("voiced %d lines (%d synthesized, %d from the cache), %.1f s of speech in %.1f s on %d workers",
                 len(voiced), len(synthesized), len(voiced) - len(synthesized), speech, elapsed, workers)
    return manifest


def _has_fallback(ctx: StageContext, host: str) -> bool:
    """The host has a fallback voice of its own to hand a failing line to (on the fast path it already speaks)."""
    return not ctx.fast_path and ctx.voice_spec(host, fallback=True) is not ctx.voice_spec(host)


def _job(ctx: StageContext, host: str, fallback: bool, label: str, said: str, rate: int, cache: Path | None,
         in_place: Path) -> synthesis.Job:
    """The job for one line in one voice: into the line cache (named by what makes the audio), or in place."""
    voice, spec = ctx.voice(host, fallback), ctx.voice_spec(host, fallback)
    target = cache / f"{synthesis.cache_key(spec.provider, voice, said, rate)}.wav" if cache else in_place
    return synthesis.Job(label, spec.provider, spec.parsed.model_dump(mode="json"), said, rate, target)
