"""The ranking: clustering pairs, a labeled multi-day fixture (precision@2), never repeating a story."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from pipeline import urls
from pipeline.config import Topic, load_config
from pipeline.models import Article
from pipeline.stories import ranking, sources
from tests.conftest import REPO

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ranking"


def _sample_articles():
    config = load_config(REPO / "config.yaml")
    results = sources.read_all(config)
    assert [r.error for r in results if r.error] == []
    return [a for result in results for a in result.articles], config


def _article(source: str, title: str, text: str, url: str | None = None, published: datetime | None = None,
             **extra) -> Article:
    return Article(source=source, title=title, text=text, url=url, published=published,
                   canonical_url=urls.canonical(url) if url else None, **extra)


# --- clustering ---------------------------------------------------------------------------------------

def _pairs(kind: str):
    data = yaml.safe_load((FIXTURES / "pairs.yaml").read_text(encoding="utf-8"))
    return [pytest.param(p["a"], p["b"], id=p["name"]) for p in data[kind]]


def _clustered_together(a: dict, b: dict) -> bool:
    background, _ = _sample_articles()  # a realistic day's pool, so the IDF weights are a real day's
    first, second = _article("Outlet A", **a), _article("Outlet B", **b)
    groups = ranking.cluster(background + [first, second])
    return any(first in g and second in g for g in groups)


@pytest.mark.parametrize("a, b", _pairs("must"))
def test_the_same_event_from_two_outlets_is_one_story(a, b):
    assert _clustered_together(a, b)


@pytest.mark.parametrize("a, b", _pairs("must_not"))
def test_two_events_at_one_company_are_two_stories(a, b):
    assert not _clustered_together(a, b)


def test_the_samples_cluster_by_story():
    articles, _ = _sample_articles()
    assert len(articles) == 22
    titles = [sorted(a.title for a in group) for group in ranking.cluster(articles)]
    assert len(next(t for t in titles if any("Norvik" in x for x in t))) == 3
    assert len(next(t for t in titles if any("Larkspur" in x for x in t))) == 2
    assert len(next(t for t in titles if any("Veltra" in x for x in t))) == 2
    halden = [t for t in titles if any("Halden" in x for x in t)]
    assert len(halden) == 2, "a recall and a new CEO at one company are two stories"
    assert sum(len(t) == 1 for t in titles) == 15


def test_the_samples_top_two_are_the_most_covered_stories():
    articles, config = _sample_articles()
    weights = {s.name: s.weight for s in config.sources}
    result = ranking.rank(articles, datetime.now(timezone.utc), None, weights)
    first, second, third = result.clusters[:3]
    assert "Norvik Energy" in first.lead.title and first.components["coverage"] == 3
    assert "Larkspur" in second.lead.title and [first, second] == result.picked
    assert second.score > third.score and "Veltra" in third.lead.title
    assert result.explanation[0].startswith("First: 'Norvik Energy")
    assert "Next best: 'Veltra" in result.explanation[2] and "recency" in result.explanation[2]


def test_the_window_drops_old_items():
    now = datetime(2026, 11, 30, 5, tzinfo=timezone.utc)
    fresh = Article(source="A", title="Fresh", text="x", published=now - timedelta(hours=2))
    stale = Article(source="A", title="Stale", text="y", published=now - timedelta(days=3))
    undated = Article(source="A", title="Undated", text="z")
    assert [a.title for a in ranking.eligible([fresh, stale, undated], now, 36)] == ["Fresh", "Undated"]


# --- the labeled fixture ------------------------------------------------------------------------------

def _fixture():
    return yaml.safe_load((FIXTURES / "days.yaml").read_text(encoding="utf-8"))


def _aware(value) -> datetime:
    value = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _day_articles(day: dict) -> list[Article]:
    return [
        _article(item["source"], item["title"], item["text"], item["url"], _aware(item["published"]),
                 guid=item["story"])  # the label rides in the guid, which the ranking never reads
        for item in day["items"]
    ]


def _past(day: date, picked: list[ranking.Cluster]) -> list[ranking.PastStory]:
    return [
        ranking.PastStory(episode=day, title=c.lead.title, text="\n".join(a.text for a in c.articles),
                          urls=frozenset(c.urls), newest=max(a.published for a in c.articles))
        for c in picked
    ]


def _run_fixture(ranker) -> tuple[float, list[str]]:
    """precision@2 of `ranker(articles, cutoff, history) -> [story label, story label]` over every day."""
    data = _fixture()
    history: list[ranking.PastStory] = []
    hits, slots, report = 0, 0, []
    for day in data["days"]:
        articles = _day_articles(day)
        labels, picked = ranker(articles, _aware(day["cutoff"]), history, data)
        right = len(set(labels) & set(day["expected"]))
        hits, slots = hits + right, slots + 2
        report.append(f"{day['date']}: picked {labels}, expected {day['expected']} ({right}/2)")
        history = _past(day["date"], picked) + history
    return hits / slots, report


def _editor(articles, cutoff, history, data):
    result = ranking.rank(articles, cutoff, data["window_hours"], data["sources"],
                          topics=[Topic(**t) for t in data["topics"]], history=history)
    return [c.lead.guid for c in result.picked], result.picked


def _newest_first(articles, cutoff, history, data):
    """A broken ranker: the two newest items, no clustering, no memory."""
    newest = sorted((a for a in articles if a.published <= cutoff), key=lambda a: a.published, reverse=True)[:2]
    return [a.guid for a in newest], [ranking.Cluster(articles=[a]) for a in newest]


def _no_memory(articles, cutoff, history, data):
    """A ranker that forgets what earlier episodes covered."""
    return _editor(articles, cutoff, [], data)


def test_precision_at_2_on_the_labeled_fixture(capsys):
    precision, report = _run_fixture(_editor)
    newest, _ = _run_fixture(_newest_first)
    forgetful, _ = _run_fixture(_no_memory)
    with capsys.disabled():
        print(f"\nranking fixture ({len(report)} days, 4 sources): precision@2 = {precision:.3f} "
              f"(newest-first baseline {newest:.3f}, without never-repeat {forgetful:.3f})")
        for line in report:
            print(f"  {line}")
    floor = 0.875
    assert newest < floor and forgetful < floor, "the floor must be one a broken ranker fails"
    assert precision >= floor


def test_every_day_of_the_fixture_explains_its_repeats_and_follow_ups():
    data = _fixture()
    history, seen = [], {}
    for day in data["days"]:
        result = ranking.rank(_day_articles(day), _aware(day["cutoff"]), data["window_hours"], data["sources"],
                              topics=[Topic(**t) for t in data["topics"]], history=history)
        for c in result.clusters:
            seen[(str(day["date"]), c.lead.guid)] = c
        history = _past(day["date"], result.picked) + history
    repeat = seen[("2026-11-03", "pier")]
    assert repeat.status == "repeat" and "episode of 2026-11-02" in repeat.why
    follow_up = seen[("2026-11-03", "bank-cause")]
    assert follow_up.status == "picked" and follow_up.follow_up_of is not None
    assert "follow-up to 'Orlen Bank outage" in follow_up.why or "follow-up to 'Card payments" in follow_up.why
    assert seen[("2026-11-04", "bank-cause")].status == "repeat", "yesterday's follow-up, retold, is a repeat"
    assert seen[("2026-11-05", "storm-damage")].status == "picked", "the storm's damage bill is a new story"
    assert seen[("2026-11-05", "storm")].status == "repeat", "a late retelling of Monday's storm is not"
    assert seen[("2026-11-04", "solar")].components["topics"] == 1.0


# --- never repeat, overrides, distinct picks -----------------------------------------------------------

NOW = datetime(2026, 11, 30, 5, tzinfo=timezone.utc)
WEIGHTS = {"A": 1.0, "B": 1.0, "C": 1.0}


def _day(*stories: tuple[str, list[str], str, str]) -> list[Article]:
    """Articles from (story slug, sources, title, text) tuples, one per source, an hour apart."""
    out = []
    for slug, names, title, text in stories:
        for n, name in enumerate(names):
            out.append(_article(name, title if n == 0 else f"{title} ({name})", text,
                                f"https://{name.lower()}.example/{slug}", NOW - timedelta(hours=1 + n)))
    return out


TRAMS = ("trams", ["A", "B", "C"], "Night trams return to the old bridge",
         "Night trams return to the old bridge on Friday after two years of repairs, the transport company said.")
HOSPITAL = ("hospital", ["A", "B"], "New children's hospital wing opens",
            "A children's hospital wing with 80 beds opened on Monday in the east of the city.")
MARKET = ("market", ["C"], "Saturday market moves to the square",
          "The Saturday market moves to the cathedral square from December.")


def test_a_story_from_a_recent_episode_is_not_repeated_by_url_even_with_tracking():
    past = ranking.PastStory(episode=date(2026, 11, 29), title="Trams back on the bridge",
                             urls=frozenset({urls.canonical("https://b.example/trams?utm_medium=social#top")}))
    result = ranking.rank(_day(TRAMS, HOSPITAL, MARKET), NOW, 36, WEIGHTS, history=[past])
    trams = next(c for c in result.clusters if "trams" in c.lead.title.lower())
    assert trams.status == "repeat" and "(same article)" in trams.why
    assert [c.lead.title for c in result.picked] == ["New children's hospital wing opens",
                                                     "Saturday market moves to the square"]
    assert any("Passed over 'Night trams" in line for line in result.explanation)


def test_a_story_from_a_recent_episode_is_not_repeated_by_similarity():
    past = ranking.PastStory(episode=date(2026, 11, 28), title="Night trams to return to the old bridge",
                             text="Night trams will return to the old bridge on Friday after two years of repairs.")
    result = ranking.rank(_day(TRAMS, HOSPITAL, MARKET), NOW, 36, WEIGHTS, history=[past])
    trams = next(c for c in result.clusters if "trams" in c.lead.title.lower())
    assert trams.status == "repeat" and "only" in trams.why and "new" in trams.why


def test_a_follow_up_with_substantially_new_content_is_news_again():
    follow_up = ("trams", ["A", "B", "C"], "Old bridge closed to trams again after cracks found",
                 "Inspectors found cracks in the old bridge's supports two days after night trams returned; "
                 "the city closed it to trams until engineers finish a survey in January, and buses replace them.")
    past = ranking.PastStory(episode=date(2026, 11, 28), title="Night trams return to the old bridge",
                             text=TRAMS[3])
    result = ranking.rank(_day(follow_up, HOSPITAL, MARKET), NOW, 36, WEIGHTS, history=[past])
    first = result.picked[0]
    assert "cracks" in first.lead.title and first.follow_up_of == past
    assert "follow-up to 'Night trams return to the old bridge' from the episode of 2026-11-28" in first.why
    assert "new" in result.explanation[0]


def test_a_longer_retelling_from_before_the_episode_is_not_a_follow_up():
    """Yesterday's summary against today's fetch of a full article about the same event: the lede
    looks new (quotes, background), but nothing in it is later than what the episode already had."""
    articles, config = _sample_articles()
    norvik = [a for a in articles if "Norvik" in a.title]
    summary = "Norvik Energy has opened a 2.4 billion euro factory in Trondheim, Norway, that can produce " \
              "12 gigawatt-hours of solid-state battery cells a year."
    past = ranking.PastStory(episode=date(2026, 11, 26), title="Norvik Energy opens Trondheim gigafactory",
                             text=summary, newest=max(a.published for a in norvik))
    weights = {s.name: s.weight for s in config.sources}
    result = ranking.rank(articles, datetime.now(timezone.utc), None, weights, history=[past])
    cluster = next(c for c in result.clusters if "Norvik" in c.lead.title)
    assert ranking.novelty(norvik[0].text, summary, norvik[0].title) >= ranking.FOLLOW_UP_NOVELTY
    assert cluster.status == "repeat" and cluster.follow_up_of is None


def test_the_window_counts_back_from_the_cutoff_with_both_edges_in():
    at_start = Article(source="A", title="At the start", text="x", published=NOW - timedelta(hours=36))
    before = Article(source="A", title="Before it", text="x", published=NOW - timedelta(hours=36, seconds=1))
    at_cutoff = Article(source="A", title="At the cut-off", text="x", published=NOW)
    after = Article(source="A", title="After it: the next day's", text="y", published=NOW + timedelta(minutes=10))
    assert [a.title for a in ranking.eligible([at_start, before, at_cutoff, after], NOW, 36)] == [
        "At the start", "At the cut-off"]


def test_pins_and_excludes():
    articles = _day(TRAMS, HOSPITAL, MARKET)
    result = ranking.rank(articles, NOW, 36, WEIGHTS, pins=["https://c.example/market?utm_source=x"],
                          excludes=["https://a.example/trams"])
    assert [c.lead.title for c in result.picked] == ["Saturday market moves to the square",
                                                     "New children's hospital wing opens"]
    trams = next(c for c in result.clusters if "trams" in c.lead.title.lower())
    assert trams.status == "excluded"
    assert "pinned by the producer" in result.explanation[0]


def test_topic_boosts_come_from_source_tags_and_title_keywords():
    articles = _day(TRAMS, HOSPITAL, MARKET)
    for a in articles:
        if a.source == "C":
            a.tags = ["local"]
    topics = [Topic(name="health", keywords=["hospital"], boost=2.0), Topic(name="local", boost=0.25)]
    result = ranking.rank(articles, NOW, 36, WEIGHTS, topics=topics)
    hospital = next(c for c in result.clusters if "hospital" in c.lead.title)
    market = next(c for c in result.clusters if "market" in c.lead.title)
    assert hospital.components["topics"] == 2.0 and hospital.topics == ["health"]
    assert market.components["topics"] == 0.25
    assert result.picked[0] is hospital


def test_the_best_sourced_article_leads_and_others_are_kept():
    articles = _day(TRAMS, HOSPITAL)
    result = ranking.rank(articles, NOW, 36, {"A": 1.0, "B": 3.0, "C": 1.0})
    trams = result.picked[0]
    assert trams.lead.source == "B" and {a.source for a in trams.articles[1:]} == {"A", "C"}
    assert trams.components["coverage"] == 5.0


def test_two_takes_on_one_story_are_not_both_picked(monkeypatch):
    """When the clustering keeps two takes on one story apart (here it is made to split the Norvik
    coverage), the near miss is not the second story of the show."""
    articles, config = _sample_articles()
    real_cluster = ranking.cluster

    def split_norvik(pool):
        groups = []
        for group in real_cluster(pool):
            if any("Norvik" in a.title for a in group) and len(group) > 1:
                groups += [group[:1], group[1:]]
            else:
                groups.append(group)
        return groups

    monkeypatch.setattr(ranking, "cluster", split_norvik)
    result = ranking.rank(
        articles, datetime.now(timezone.utc), None, {s.name: 1.0 for s in config.sources}, threshold=0.5,
        excludes=["https://techwire.example/2026/11/larkspur-labs-releases-meridian-2",
                  "https://circuitdaily.example/stories/veltra-semiconductor-series-b"],
    )
    norvik = [c for c in result.clusters if "Norvik" in c.lead.title]
    assert len(norvik) == 2
    assert [c.status for c in norvik] == ["picked", "too-close"]
    assert "one story" in norvik[1].why
    assert [c.lead.title.split()[0] for c in result.picked] == ["Norvik", "Corvane"]
