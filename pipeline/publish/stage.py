"""Stage 5: the episode and its attachments onto the publish target, and a new feed.xml.

Order matters, so that a failure anywhere leaves the published feed as it was:

1. everything is prepared in memory first: the episode's entry, the index, the web pages and the feed
   itself (a bad title, URL, attachment or template fails here, before anything is touched);
2. the audio, transcripts, chapters, cover, stylesheet and script are uploaded, each checked by its
   stored size;
3. the web pages that changed: the new episode's first, then the others, then index.html, so no page
   links to one that is not there yet;
4. the index (episodes.json), then the feed (feed.xml) last: renamed into place, or uploaded last
   (the index records a page only once it is up; a failure here leaves the pages one episode ahead
   of the feed, and the rerun of the day brings the feed level);
5. only then the files the new feed no longer points to are removed (a corrected rerun's old audio,
   episodes past the retention and their pages).

Every published file except the feed, the index and the pages has a content hash in its name, so a
corrected rerun of a day gets new URLs (no cache serves the old bytes) while its GUID stays. Pages are
named by the episode's date (`episodes/<date>.html`): the feed item's <link>, stable for shares.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pipeline import artifacts, files
from pipeline.config import Config
from pipeline.context import StageContext
from pipeline.cover import cover_image
from pipeline.errors import StageError
from pipeline.models import (
    Attachment,
    Episode,
    EpisodeIndex,
    MixedEpisode,
    PublishedSource,
    PublishedStory,
    Script,
    StoriesArtifact,
    Story,
    VoiceManifest,
    credit_line,
)
from pipeline.publish import site
from pipeline.publish.feed import build_feed
from pipeline.publish.pages import plan_site
from pipeline.publish.targets import PublishError, Target, Upload, load_index, open_target
from pipeline.text import slug

HASH_CHARS = 10

# The mix stage's optional outputs, in the order the feed lists them. Single-valued readers
# (feedparser, podcastparser) keep the last transcript, so WebVTT, the one Apple prefers, comes last.
TRANSCRIPTS = ((artifacts.TRANSCRIPT_SRT, ".srt"), (artifacts.TRANSCRIPT_VTT, ".vtt"))
MANAGED_SUFFIXES = (".mp3", ".vtt", ".srt", ".json", ".jpg", ".jpeg", ".png", ".html", ".css", ".js")
MANAGED_AT_ROOT = ("cover-", "site-")  # besides episodes/: the covers, the stylesheet and the script


def episode_title(ctx: StageContext, stories: StoriesArtifact) -> str:
    day = ctx.date
    return f"{day:%b} {day.day}, {day.year}: " + " | ".join(story.title for story in stories.stories)


def hashed_name(stem: str, source: Path | bytes, suffix: str) -> str:
    data = source if isinstance(source, bytes) else source.read_bytes()
    return f"{stem}-{hashlib.sha256(data).hexdigest()[:HASH_CHARS]}{suffix}"


@dataclass
class Plan:
    episode: Episode
    index: EpisodeIndex
    feed: bytes
    uploads: list[Upload]  # content-hashed: skipped when the target has them already
    pages: list[Upload]  # the web pages that changed, in upload order
    retired: list[Episode]


def run(ctx: StageContext) -> Episode:
    config = ctx.config
    target = open_target(config)
    if target.name != "local" and urlsplit(config.publish.base_url).hostname in ("localhost", "127.0.0.1", "::1"):
        ctx.log.warning("publish.base_url is %s: listeners cannot reach it; set it to the public URL of %s",
                        config.publish.base_url, target.describe())
    plan = prepare(ctx, target)

    for upload in plan.uploads:
        if target.size(upload.name) == upload.size:
            continue  # content-hashed name and the right size: already there
        target.put(upload)
        ctx.log.debug("uploaded %s (%d bytes) to %s", upload.name, upload.size, target.describe())
    for upload in plan.pages:
        target.put(upload)
        ctx.log.debug("uploaded page %s to %s", upload.name, target.describe())
    index_bytes = (plan.index.model_dump_json(indent=2) + "\n").encode("utf-8")
    target.put(site.upload(artifacts.INDEX, index_bytes))
    target.put(site.upload(artifacts.FEED, plan.feed))

    _remove_unreferenced(ctx, target, plan.index)
    for old in plan.retired:
        ctx.log.info("retired episode %s from the feed", old.date)
    files.write_model(ctx.path(artifacts.PUBLISHED), plan.episode)
    ctx.log.info("published %s to %s (%d episodes in the feed)", plan.episode.guid, target.describe(),
                 len(plan.index.episodes))
    return plan.episode


def is_published(config: Config, day) -> bool:
    return (config.workdir(day) / artifacts.PUBLISHED).exists()


def prepare(ctx: StageContext, target: Target) -> Plan:
    """Everything a publish will write, computed before anything is written."""
    config = ctx.config
    mixed = ctx.read(artifacts.EPISODE, MixedEpisode)
    stories = ctx.read(artifacts.STORIES, StoriesArtifact)
    script = ctx.read(artifacts.SCRIPT, Script)
    manifest = ctx.read(artifacts.VOICE, VoiceManifest)
    source_audio = ctx.path(artifacts.EPISODE_AUDIO)
    if not source_audio.exists() or source_audio.stat().st_size != mixed.bytes:
        raise StageError(f"{source_audio} is missing or not the file episode.json describes: rerun the mix stage")

    audio = source_audio.read_bytes()
    stem = f"{artifacts.EPISODES_FOLDER}/{ctx.date.isoformat()}"
    uploads = [site.upload(hashed_name(stem, audio, ".mp3"), audio)]
    transcripts = []
    for name, suffix in TRANSCRIPTS:
        data = _attachment(ctx, name)
        if data is not None:
            upload = site.upload(hashed_name(stem, data, suffix), data)
            uploads.append(upload)
            transcripts.append(Attachment(file=upload.name, type=site.mime_type(upload.name), bytes=upload.size))
    chapters = None
    data = _attachment(ctx, artifacts.CHAPTERS)
    if data is not None:
        upload = site.upload(hashed_name(stem, data, ".chapters.json"), data)
        uploads.append(upload)
        chapters = Attachment(file=upload.name, type=site.mime_type(upload.name), bytes=upload.size)

    cover = _cover(config)
    uploads.append(cover)

    index = _numbered(load_index(config, target))
    previous = next((e for e in index.episodes if e.date == ctx.date), None)
    numbers = [e.number for e in index.episodes if e.number is not None]
    episode = Episode(
        date=ctx.date,
        guid=previous.guid if previous else f"dailycast:{slug(config.show.title)}:{ctx.date.isoformat()}",
        title=episode_title(ctx, stories),
        audio_file=uploads[0].name,
        audio_bytes=uploads[0].size,
        seconds=mixed.seconds,
        published_at=previous.published_at if previous else ctx.show_time().replace(microsecond=0),
        stories=[_published_story(story) for story in stories.stories],
        writer=script.writer,
        credit=credit_line(script, stories.stories, ctx.host_names),
        voices=manifest.voices,
        number=previous.number if previous and previous.number else max(numbers, default=0) + 1,
        transcripts=transcripts,
        chapters=chapters,
    )
    kept = [e for e in index.episodes if e.date != ctx.date] + [episode]
    kept.sort(key=lambda e: e.date, reverse=True)
    retired = kept[config.publish.retention:] if config.publish.retention else []
    kept = kept[: len(kept) - len(retired)]
    new = {upload.name: upload.source for upload in uploads}
    site_plan = plan_site(config, kept, index, cover, set(target.list()), new, target.get, ctx.log)
    new_index = EpisodeIndex(episodes=kept, cover_file=cover.name, site_files=site_plan.digests)
    feed = build_feed(config, kept, cover_file=cover.name)
    return Plan(episode=episode, index=new_index, feed=feed, uploads=uploads + site_plan.files,
                pages=site_plan.pages, retired=retired)


def _published_story(story: Story) -> PublishedStory:
    """A story as the index keeps it: the lead and every other outlet the writers drew on (not the lead's own)."""
    return PublishedStory(
        title=story.title, source=story.source, url=story.url,
        also_reported_by=[PublishedSource(source=a.source, title=a.title, url=a.url)
                          for a in story.also_reported_by if a.source != story.source],
    )


def _numbered(index: EpisodeIndex) -> EpisodeIndex:
    """An index from before episode numbers: its episodes numbered in date order, once, for good."""
    if all(e.number is not None for e in index.episodes):
        return index
    last = max((e.number for e in index.episodes if e.number is not None), default=0)
    episodes = []
    for episode in sorted(index.episodes, key=lambda e: e.date):
        if episode.number is None:
            last += 1
            episode = episode.model_copy(update={"number": last})
        episodes.append(episode)
    return index.model_copy(update={"episodes": episodes})


def referenced(index: EpisodeIndex) -> set[str]:
    """Every file the feed and the web pages built from this index point to, the pages included."""
    names = {index.cover_file} if index.cover_file else set()
    names.update(index.site_files)
    for episode in index.episodes:
        names.add(episode.audio_file)
        names.update(t.file for t in episode.transcripts)
        if episode.chapters:
            names.add(episode.chapters.file)
    return names


def _remove_unreferenced(ctx: StageContext, target: Target, index: EpisodeIndex) -> None:
    """After the new feed is in place: the episode files, pages, covers and site assets it no longer points to."""
    keep = referenced(index)
    try:
        candidates = target.list(artifacts.EPISODES_FOLDER + "/") + [
            n for n in target.list() if n.startswith(MANAGED_AT_ROOT) and "/" not in n]
        for name in sorted(set(candidates) - keep):
            if name.endswith(MANAGED_SUFFIXES):
                target.delete(name)
                ctx.log.info("removed %s: the feed no longer points to it", name)
    except PublishError as exc:
        # The new feed is live and complete; a leftover file is removed by the next publish.
        ctx.log.warning("could not remove files the feed no longer uses: %s", exc)


def _attachment(ctx: StageContext, name: str) -> bytes | None:
    """A transcript or the chapters from the work folder, when the mix made one and it is sound.

    A damaged attachment is left out with a warning: the episode itself still goes out.
    """
    path = ctx.path(name)
    if not path.is_file():
        return None
    data = path.read_bytes()
    problem = None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problem = "not UTF-8 text"
    else:
        if name == artifacts.CHAPTERS:
            try:
                chapters = json.loads(text)
            except json.JSONDecodeError as exc:
                problem = f"not JSON ({exc.msg}, line {exc.lineno})"
            else:
                if not isinstance(chapters, dict) or not isinstance(chapters.get("chapters"), list):
                    problem = 'not Podcasting 2.0 chapters (no "chapters" list)'
        elif name.endswith(".vtt") and not text.startswith("WEBVTT"):
            problem = "not WebVTT (it must start with WEBVTT)"
        elif not text.strip():
            problem = "empty"
    if problem:
        ctx.log.warning("%s: %s; publishing the episode without it", path, problem)
        return None
    return data


def _cover(config: Config) -> Upload:
    path = cover_image(config)
    where = "show.cover" if config.show.cover is not None else "the generated cover"
    suffix = path.suffix.lower()
    if suffix not in (".jpg", ".jpeg", ".png"):
        raise StageError(f"{where}: {path} must be a JPEG or PNG file (.jpg or .png), as Apple requires")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StageError(f"{where}: cannot read {path}: {exc.strerror or exc}") from None
    suffix = ".png" if suffix == ".png" else ".jpg"
    return site.upload(hashed_name("cover", data, suffix), data)
