"""Stage 1: read the sources, rank the stories, keep the day's top two in stories.json."""

from __future__ import annotations

from pipeline import files, ranking, sources
from pipeline.context import StageContext
from pipeline.errors import SourceError
from pipeline.models import Candidate, SkippedSource, StoriesArtifact, Story

STORIES_PER_SHOW = 2
ARTIFACT = "stories.json"


def run(ctx: StageContext) -> StoriesArtifact:
    config = ctx.config
    articles, skipped = [], []
    for source in config.sources:
        try:
            found = sources.read_source(source, config)
        except SourceError as exc:
            ctx.log.warning("%s; skipping it", exc)
            skipped.append(SkippedSource(source=source.name, reason=str(exc)))
            continue
        if not found:
            ctx.log.warning("source %r: no usable items; skipping it", source.name)
            skipped.append(SkippedSource(source=source.name, reason="no usable items"))
        articles += found

    weights = {source.name: source.weight for source in config.sources}
    clusters = ranking.rank(articles, ctx.now, config.stories.window_hours, weights)
    if len(clusters) < STORIES_PER_SHOW:
        raise SourceError(
            f"only {len(clusters)} eligible stories from {len(config.sources) - len(skipped)} readable sources; "
            f"the show needs {STORIES_PER_SHOW}"
            + (f" (skipped: {', '.join(s.source for s in skipped)})" if skipped else "")
        )

    picked = clusters[:STORIES_PER_SHOW]
    artifact = StoriesArtifact(
        date=ctx.date,
        stories=[_story(c) for c in picked],
        candidates=[
            Candidate(title=c.lead.title, sources=c.sources, score=c.score, score_components=c.components,
                      picked=c in picked)
            for c in clusters
        ],
        skipped_sources=skipped,
    )
    files.write_model(ctx.path(ARTIFACT), artifact)
    for story in artifact.stories:
        ctx.log.info("picked %r from %s (score %.2f)", story.title, story.source, story.score)
    return artifact


def _story(cluster: ranking.Cluster) -> Story:
    lead = cluster.lead
    return Story(
        title=lead.title,
        source=lead.source,
        url=lead.url,
        published=lead.published,
        text=lead.text,
        also_reported_by=cluster.articles[1:],
        score=cluster.score,
        score_components=cluster.components,
    )
