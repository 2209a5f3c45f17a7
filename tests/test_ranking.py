"""The first ranking on the bundled samples: the story most sources cover wins."""

from datetime import datetime, timedelta, timezone

from pipeline import ranking, sources
from pipeline.config import load_config
from pipeline.models import Article
from tests.conftest import REPO


def _sample_articles():
    config = load_config(REPO / "config.yaml")
    return [a for source in config.sources for a in sources.read_source(source, config)], config


def test_the_samples_cluster_by_story():
    articles, _ = _sample_articles()
    assert len(articles) == 22
    groups = {frozenset(a.source for a in group): group for group in ranking.cluster(articles) if len(group) > 1}
    titles = [sorted(a.title for a in group) for group in ranking.cluster(articles)]
    norvik = next(t for t in titles if any("Norvik" in x for x in t))
    assert len(norvik) == 3
    halden = [t for t in titles if any("Halden" in x for x in t)]
    assert len(halden) == 2, "a recall and a new CEO at one company are two stories"
    assert groups


def test_the_top_two_are_the_most_covered_stories():
    articles, config = _sample_articles()
    weights = {s.name: s.weight for s in config.sources}
    ranked = ranking.rank(articles, datetime.now(timezone.utc), None, weights)
    assert "Norvik Energy" in ranked[0].lead.title
    assert ranked[0].components["coverage"] == 3
    assert "Larkspur" in ranked[1].lead.title
    assert ranked[1].score > ranked[2].score


def test_the_window_drops_old_items():
    now = datetime(2026, 11, 30, 5, tzinfo=timezone.utc)
    fresh = Article(source="A", title="Fresh", text="x", published=now - timedelta(hours=2))
    stale = Article(source="A", title="Stale", text="y", published=now - timedelta(days=3))
    undated = Article(source="A", title="Undated", text="z")
    assert [a.title for a in ranking.eligible([fresh, stale, undated], now, 36)] == ["Fresh", "Undated"]
