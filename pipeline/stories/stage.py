"""Stage 1: read the sources, rank the stories, keep the day's top two in stories.json.

The order keeps the run cheap and the show safe: every source is read (concurrently; a broken one is
skipped by name), the candidates are ranked on the feeds' text, the leading candidates' article pages
are fetched for their full text within a time budget, and the ranking is redone on that text (a
page's rel=canonical may reveal a repeat). When fewer than two stories remain, the run stops here,
before any writer or voice is paid for.
"""

from __future__ import annotations

from typing import Callable

from pydantic import ValidationError

from pipeline import artifacts, files, urls
from pipeline.config import Config
from pipeline.context import StageContext
from pipeline.errors import SourceError
from pipeline.models import Candidate, EpisodeIndex, SkippedSource, StoriesArtifact, Story
from pipeline.stories import articles as article_pages
from pipeline.stories import ranking, sources

STORIES_PER_SHOW = ranking.STORIES_PER_SHOW


def run(ctx: StageContext) -> StoriesArtifact:
    config = ctx.config
    pins, excludes = list(ctx.overrides.get("pin", ())), list(ctx.overrides.get("exclude", ()))
    _check_override_urls(pins, "--pin")
    _check_override_urls(excludes, "--exclude")

    articles, skipped, warnings = [], [], []
    cutoff = ctx.story_cutoff()
    for result in sources.read_all(config):
        if cap_warning := _cap_warning(result, cutoff, config):
            result.warnings.append(cap_warning)
        warnings += result.warnings
        for warning in result.warnings:
            ctx.log.warning("%s", warning)
        if result.error:
            ctx.log.warning("%s; skipping it", result.error)
            skipped.append(SkippedSource(source=result.source.name, reason=result.error))
        articles += result.articles

    history = previous_stories(config, ctx.date, ctx.published_index)
    weights = {source.name: source.weight for source in config.sources}

    def rank(pool):
        return ranking.rank(
            pool, cutoff, config.stories.window_hours, weights, threshold=config.stories.cluster_threshold,
            topics=config.stories.topics, history=history, pins=pins, excludes=excludes,
        )

    result = rank(articles)
    if config.stories.full_text and not ctx.fast_path:
        leading = [c for c in result.clusters if c.status in ("picked", "runner-up")][: config.stories.full_text_clusters]
        wanted = [a for c in leading for a in c.articles]
        if wanted:
            fuller = {id(old): new for old, new in zip(wanted, article_pages.with_full_text(wanted, config))}
            articles = [fuller.get(id(a), a) for a in articles]
            result = rank(articles)
    _check_pins_found(pins, result)

    picked = result.picked
    if len(picked) < STORIES_PER_SHOW:
        raise SourceError(_too_few(picked, result, config, skipped))

    artifact = StoriesArtifact(
        date=ctx.date,
        stories=[_story(c) for c in picked],
        candidates=[_candidate(position, c) for position, c in enumerate(result.clusters, start=1)],
        skipped_sources=skipped,
        cutoff=result.cutoff.astimezone(config.show.tz),
        window_start=_in_zone(ranking.window_start(result.cutoff, config.stories.window_hours), config),
        window_hours=config.stories.window_hours,
        explanation=result.explanation,
        pinned=pins,
        excluded=excludes,
        warnings=warnings,
    )
    files.write_model(ctx.path(artifacts.STORIES), artifact)
    for story in artifact.stories:
        ctx.log.info("picked %r from %s (score %.2f, %s text)", story.title, story.source, story.score,
                     story.text_origin)
    return artifact


def _cap_warning(result: sources.SourceResult, cutoff, config: Config) -> str | None:
    """A warning naming the source when its max_items cut entries that the story window would have read."""
    lost = [d for d in result.beyond_cap if ranking.in_window(d, cutoff, config.stories.window_hours)]
    if not lost:
        return None
    return (f"source {result.source.name!r}: max_items ({result.source.max_items}) left out {len(lost)} entries "
            f"inside the story window; raise sources.max_items for it")


def _in_zone(moment, config: Config):
    return None if moment is None else moment.astimezone(config.show.tz)


def previous_stories(config: Config, day, published: Callable[[], EpisodeIndex]) -> list[ranking.PastStory]:
    """The stories of the last `history_episodes` published episodes before `day`.

    The episode index says which days were published; each day's stories.json adds the text and the
    other outlets' links. A day whose stories.json is gone still counts, by its titles and links.
    """
    limit = config.stories.history_episodes
    if not limit:
        return []
    episodes = sorted((e for e in published().episodes if e.date < day), key=lambda e: e.date, reverse=True)
    past: list[ranking.PastStory] = []
    for episode in episodes[:limit]:
        saved = _saved_stories(config, episode.date)
        if saved is not None:
            for story in saved.stories:
                links = [story.url] + [a.url for a in story.also_reported_by]
                canon = {urls.canonical(u) for u in links if urls.is_http(u)}
                canon |= {a.canonical_url for a in story.also_reported_by if a.canonical_url}
                if story.canonical_url:
                    canon.add(story.canonical_url)
                text = "\n".join([story.text] + [a.text for a in story.also_reported_by])
                dates = [d for d in [story.published] + [a.published for a in story.also_reported_by] if d]
                past.append(ranking.PastStory(episode=episode.date, title=story.title, text=text,
                                              urls=frozenset(canon), newest=max(dates, default=None)))
        else:
            for story in episode.stories:
                canon = frozenset({urls.canonical(story.url)} if urls.is_http(story.url) else set())
                past.append(ranking.PastStory(episode=episode.date, title=story.title, urls=canon))
    return past


def _saved_stories(config: Config, day) -> StoriesArtifact | None:
    path = config.workdir(day) / artifacts.STORIES
    try:
        return StoriesArtifact.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError):
        return None


def _check_override_urls(values: list[str], option: str) -> None:
    for value in values:
        if not urls.is_http(value):
            raise SourceError(f"{option} {value!r}: not an http(s) URL of an article")


def _check_pins_found(pins: list[str], result: ranking.Ranking) -> None:
    found = {u for c in result.clusters for u in c.urls}
    missing = [p for p in pins if urls.canonical(p) not in found]
    if missing:
        raise SourceError(f"--pin {missing[0]}: no item of today's sources has this link (pins must name an "
                          "article that a configured source carries)")


def _too_few(picked, result: ranking.Ranking, config: Config, skipped: list[SkippedSource]) -> str:
    counts: dict[str, int] = {}
    for item in result.clusters:
        counts[item.status] = counts.get(item.status, 0) + 1
    passed = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()) if status != "picked")
    readable = len(config.sources) - len(skipped)
    message = (f"only {len(picked)} {'story' if len(picked) == 1 else 'stories'} can go in the show and it "
               f"needs {STORIES_PER_SHOW}: "
               f"{readable} of {len(config.sources)} sources were readable")
    if passed:
        message += f"; candidates passed over: {passed}"
    if skipped:
        message += f"; skipped sources: {'; '.join(s.reason for s in skipped)}"
    if config.stories.window_hours is not None:
        message += f" (stories.window_hours is {config.stories.window_hours:g})"
    return message + ". Nothing was sent to a writer or a voice."


def _story(item: ranking.Cluster) -> Story:
    lead = item.lead
    return Story(
        title=lead.title,
        source=lead.source,
        url=lead.url,
        published=lead.published,
        text=lead.text,
        also_reported_by=item.articles[1:],
        score=item.score,
        score_components=item.components,
        canonical_url=lead.canonical_url,
        text_origin=lead.text_origin,
        text_note=lead.text_note,
        why=item.why,
        follow_up_of=(f"{item.follow_up_of.episode}: {item.follow_up_of.title}" if item.follow_up_of else None),
    )


def _candidate(position: int, item: ranking.Cluster) -> Candidate:
    return Candidate(
        title=item.lead.title,
        sources=item.sources,
        score=item.score,
        score_components=item.components,
        picked=item.status == "picked",
        rank=position,
        url=item.lead.url,
        status=item.status,
        why=item.why,
    )


def _window_text(artifact: StoriesArtifact) -> str:
    if artifact.cutoff is None:
        return ""
    if artifact.window_start is None:
        return f" (items up to {artifact.cutoff:%Y-%m-%d %H:%M %Z})"
    return f" (window {artifact.window_start:%Y-%m-%d %H:%M} to {artifact.cutoff:%Y-%m-%d %H:%M %Z}, both included)"


def render_table(artifact: StoriesArtifact, limit: int = 20) -> str:
    """The ranked candidates as a fixed-width table, then why the top two won."""
    header = f"{'#':>2}  {'status':<10} {'score':>6} {'cover':>6} {'recent':>6} {'topics':>6} {'src':>3}  title"
    lines = [f"Stories for {artifact.date}" + _window_text(artifact),
             "", header, "-" * len(header)]
    for candidate in artifact.candidates[:limit]:
        parts = candidate.score_components
        title = candidate.title if len(candidate.title) <= 70 else candidate.title[:69] + "\u2026"
        lines.append(
            f"{candidate.rank:>2}  {candidate.status:<10} {candidate.score:>6.2f} {parts.get('coverage', 0):>6.2f} "
            f"{parts.get('recency', 0):>6.2f} {parts.get('topics', 0):>6.2f} {len(candidate.sources):>3}  {title}"
        )
        if candidate.status not in ("picked", "runner-up") and candidate.why:
            lines.append(f"{'':>33}\u21b3 {candidate.why}")
    if len(artifact.candidates) > limit:
        lines.append(f"    ... and {len(artifact.candidates) - limit} more in stories.json")
    lines += ["", "Why these two:"] + [f"  {line}" for line in artifact.explanation]
    for story in artifact.stories:
        outlets = [f"{story.source} (lead)"] + list(dict.fromkeys(
            a.source for a in story.also_reported_by if a.source != story.source))
        origin = "the article page" if story.text_origin == "article" else f"the feed ({story.text_note or 'feed only'})"
        lines.append(f"  {story.title!r}: reported by {', '.join(outlets)}; text from {origin}.")
    if artifact.skipped_sources:
        lines += ["", "Skipped sources:"] + [f"  {s.reason}" for s in artifact.skipped_sources]
    return "\n".join(lines)
