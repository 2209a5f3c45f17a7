"""Stage 4: the voiced lines in order, with pauses between turns, into one MP3 (episode.mp3).

The lines are joined as sample arrays and encoded once; episode.json records the timeline (where
each line starts and ends in the final audio), which chapters and transcripts are built from.
"""

from __future__ import annotations

import numpy as np

from pipeline import audio, files
from pipeline.context import StageContext
from pipeline.errors import StageError
from pipeline.models import MixedEpisode, TimedLine, VoiceManifest
from pipeline.stages import script as script_stage
from pipeline.stages import voice as voice_stage

ARTIFACT = "episode.json"
AUDIO = "episode.mp3"
LEAD_IN_SECONDS = 0.4
TAIL_SECONDS = 1.2


def run(ctx: StageContext) -> MixedEpisode:
    mix = ctx.config.mix
    script = script_stage.load(ctx)
    manifest: VoiceManifest = ctx.read(voice_stage.ARTIFACT, VoiceManifest)
    if len(manifest.lines) != len(script.lines):
        raise StageError(
            f"{ctx.path(voice_stage.ARTIFACT)}: {len(manifest.lines)} voiced lines for {len(script.lines)} script "
            "lines; the script changed since it was voiced: rerun from the voice stage"
        )
    rate = manifest.sample_rate
    pieces: list[np.ndarray] = [np.zeros(int(LEAD_IN_SECONDS * rate), np.float32)]
    position = len(pieces[0])
    timeline = []
    previous_story: int | None = None
    for number, (voiced, line) in enumerate(zip(manifest.lines, script.lines)):
        if number:
            pause_ms = mix.story_pause_ms if line.story != previous_story else mix.pause_ms
            gap = np.zeros(int(pause_ms * rate / 1000), np.float32)
            pieces.append(gap)
            position += len(gap)
        samples, file_rate = audio.read_wav(ctx.path(f"{voice_stage.FOLDER}/{voiced.file}"))
        if file_rate != rate:
            raise StageError(f"{voiced.file}: {file_rate} Hz, expected {rate} Hz")
        pieces.append(samples)
        timeline.append(TimedLine(index=voiced.index, speaker=voiced.speaker, story=line.story,
                                  start=round(position / rate, 3), end=round((position + len(samples)) / rate, 3)))
        position += len(samples)
        previous_story = line.story
    pieces.append(np.zeros(int(TAIL_SECONDS * rate), np.float32))
    episode = np.concatenate(pieces)

    peak = float(np.max(np.abs(episode))) or 1.0
    episode *= 10 ** (mix.peak_dbfs / 20) / peak

    tags = {
        "title": f"{ctx.config.show.title}, {ctx.date.isoformat()}",
        "artist": ", ".join(ctx.host_names),
        "album": ctx.config.show.title,
        "date": ctx.date.isoformat(),
        "comment": f"AI-generated: script by {script.writer}, voices {', '.join(manifest.voices.values())}.",
    }
    with files.atomic_path(ctx.path(AUDIO)) as tmp:
        audio.encode_mp3(tmp, episode, rate, mix.bitrate, tags)
        size = tmp.stat().st_size
    mixed = MixedEpisode(
        file=AUDIO, seconds=round(len(episode) / rate, 3), bytes=size, sample_rate=rate, bitrate=mix.bitrate,
        timeline=timeline,
    )
    files.write_model(ctx.path(ARTIFACT), mixed)
    ctx.log.info("mixed %.1f s into %s (%d bytes)", mixed.seconds, AUDIO, size)
    return mixed
