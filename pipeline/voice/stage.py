"""Stage 3: every line of the script, synthesized by its host's voice, as lines/NNN-host.wav.

Lines come from the line cache when their provider, voice, options and text are unchanged; only the
rest is synthesized, spread over all cores (pipeline.voice.synthesis). Each WAV is at the show's
sample rate with the voice's own leading and trailing silence trimmed.
"""

from __future__ import annotations

import time

from pipeline import artifacts, audio, files
from pipeline.context import StageContext
from pipeline.models import Script, VoicedLine, VoiceManifest
from pipeline.text import slug
from pipeline.voice import synthesis

CACHE_FOLDER = "cache/lines"


def run(ctx: StageContext) -> VoiceManifest:
    script = ctx.read(artifacts.SCRIPT, Script)  # as the runner took in any edit (script.stage.load)
    rate = ctx.config.mix.sample_rate
    folder = ctx.path(artifacts.LINES)
    folder.mkdir(parents=True, exist_ok=True)
    use_cache = ctx.config.voicing.cache
    cache = ctx.config.work_root / CACHE_FOLDER

    names: list[str] = []
    sources: list = []  # per line: the cache file it comes from (or None when it is synthesized in place)
    jobs: dict[object, synthesis.Job] = {}  # one job per distinct cache file
    synthesized: list[int] = []
    for index, line in enumerate(script.lines, start=1):
        voice, spec = ctx.voice(line.speaker), ctx.voice_spec(line.speaker)
        name = f"{index:03d}-{slug(line.speaker)}.wav"
        names.append(name)
        label = f"line {index} ({line.speaker})"
        target = cache / f"{synthesis.cache_key(spec.provider, voice, line.text, rate)}.wav" if use_cache else folder / name
        sources.append(target)
        if use_cache and target.exists():
            continue
        if target not in jobs:
            synthesized.append(index)
            jobs[target] = synthesis.Job(label, spec.provider, spec.parsed.model_dump(mode="json"), line.text, rate,
                                         target)

    workers = ctx.config.voicing.workers or synthesis.default_workers()
    started = time.perf_counter()
    # The deadline guard is asked between lines: a slow voice is left while there is time for the fast path.
    between = None if ctx.fast_path else ctx.deadline_check
    synthesis.run_jobs(list(jobs.values()), workers, between=between)
    elapsed = time.perf_counter() - started

    voiced = []
    for index, (name, source, line) in enumerate(zip(names, sources, script.lines), start=1):
        if use_cache:
            synthesis.place(source, folder / name)
        voiced.append(VoicedLine(index=index, speaker=line.speaker, file=name,
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
