"""Stage 3: every line of the script, synthesized by its host's voice, as lines/NNN-host.wav."""

from __future__ import annotations

from pipeline import audio, files
from pipeline.context import StageContext
from pipeline.errors import ProviderError
from pipeline.models import VoicedLine, VoiceManifest
from pipeline.stages import script as script_stage
from pipeline.text import slug

FOLDER = "lines"
ARTIFACT = f"{FOLDER}/manifest.json"


def run(ctx: StageContext) -> VoiceManifest:
    script = script_stage.load(ctx)
    rate = ctx.config.mix.sample_rate
    folder = ctx.path(FOLDER)
    folder.mkdir(parents=True, exist_ok=True)
    voiced = []
    for index, line in enumerate(script.lines, start=1):
        voice = ctx.voice(line.speaker)
        try:
            spoken = voice.synthesize(line.text)
        except ProviderError as exc:
            raise ProviderError(f"line {index} ({line.speaker}): {exc}") from exc
        samples = audio.resample(spoken.samples, spoken.sample_rate, rate)
        name = f"{index:03d}-{slug(line.speaker)}.wav"
        with files.atomic_path(folder / name) as tmp:
            audio.write_wav(tmp, samples, rate)
        voiced.append(VoicedLine(index=index, speaker=line.speaker, file=name, seconds=round(len(samples) / rate, 3)))
    manifest = VoiceManifest(
        sample_rate=rate,
        voices={host: ctx.voice(host).describe() for host in ctx.host_names},
        lines=voiced,
    )
    files.write_model(ctx.path(ARTIFACT), manifest)
    ctx.log.info("voiced %d lines, %.1f s of speech", len(voiced), sum(v.seconds for v in voiced))
    return manifest
