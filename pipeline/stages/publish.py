"""Stage 5: the episode into the published folder, and a new feed.xml.

Order matters so that a failure anywhere leaves the published feed as it was: the feed is built in
memory first (a bad title or URL fails here, before anything is touched), then the audio is copied
and checked, then feed.xml is renamed into place, then the episode index.
"""

from __future__ import annotations

import shutil
from datetime import datetime, time

from pydantic import ValidationError

from pipeline import files
from pipeline.config import Config
from pipeline.context import StageContext
from pipeline.errors import StageError
from pipeline.feed import build_feed
from pipeline.models import Episode, EpisodeIndex, MixedEpisode, PublishedStory, Script, StoriesArtifact, VoiceManifest
from pipeline.stages import mix as mix_stage
from pipeline.stages import voice as voice_stage
from pipeline.text import slug

ARTIFACT = "published.json"
INDEX = "episodes.json"
FEED = "feed.xml"
BACKFILL_TIME = time(6, 0)


def load_index(config: Config) -> EpisodeIndex:
    path = config.publish_dir / INDEX
    if not path.exists():
        return EpisodeIndex()
    try:
        return EpisodeIndex.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise StageError(f"{path}: the published episode index is damaged: {exc.errors()[0]['msg']}") from None


def episode_title(ctx: StageContext, stories: StoriesArtifact) -> str:
    day = ctx.date
    return f"{day:%b} {day.day}, {day.year}: " + " | ".join(story.title for story in stories.stories)


def run(ctx: StageContext) -> Episode:
    config = ctx.config
    mixed = ctx.read(mix_stage.ARTIFACT, MixedEpisode)
    stories = ctx.read("stories.json", StoriesArtifact)
    script = ctx.read("script.json", Script)
    manifest = ctx.read(voice_stage.ARTIFACT, VoiceManifest)
    source_audio = ctx.path(mix_stage.AUDIO)
    if not source_audio.exists() or source_audio.stat().st_size != mixed.bytes:
        raise StageError(f"{source_audio} is missing or not the file episode.json describes: rerun the mix stage")

    index = load_index(config)
    previous = next((e for e in index.episodes if e.date == ctx.date), None)
    audio_file = f"episodes/{ctx.date.isoformat()}.mp3"
    episode = Episode(
        date=ctx.date,
        guid=previous.guid if previous else f"dailycast:{slug(config.show.title)}:{ctx.date.isoformat()}",
        title=episode_title(ctx, stories),
        audio_file=audio_file,
        audio_bytes=mixed.bytes,
        seconds=mixed.seconds,
        published_at=previous.published_at if previous else _publication_time(ctx),
        stories=[PublishedStory(title=s.title, source=s.source, url=s.url) for s in stories.stories],
        writer=script.writer,
        voices=manifest.voices,
    )
    kept = [e for e in index.episodes if e.date != ctx.date] + [episode]
    kept.sort(key=lambda e: e.date, reverse=True)
    retired = kept[config.publish.retention:] if config.publish.retention else []
    kept = kept[: len(kept) - len(retired)]
    feed = build_feed(config, kept)

    target = config.publish_dir / audio_file
    with files.atomic_path(target) as tmp:
        shutil.copyfile(source_audio, tmp)
        if tmp.stat().st_size != mixed.bytes:
            raise StageError(f"{target}: copy is {tmp.stat().st_size} bytes, expected {mixed.bytes}")
    files.write_bytes(config.publish_dir / FEED, feed)
    files.write_model(config.publish_dir / INDEX, EpisodeIndex(episodes=kept))
    for old in retired:
        (config.publish_dir / old.audio_file).unlink(missing_ok=True)
        ctx.log.info("retired episode %s from the feed", old.date)
    files.write_model(ctx.path(ARTIFACT), episode)
    ctx.log.info("published %s (%d episodes in the feed)", episode.guid, len(kept))
    return episode


def _publication_time(ctx: StageContext) -> datetime:
    """Now for today's show; a backfilled past day is dated that morning, so feed order stays true."""
    tz = ctx.config.show.tz
    today = ctx.now.astimezone(tz).date()
    if ctx.date >= today:
        return ctx.now.astimezone(tz).replace(microsecond=0)
    return datetime.combine(ctx.date, BACKFILL_TIME, tzinfo=tz)
