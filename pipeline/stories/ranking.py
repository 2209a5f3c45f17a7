"""Picks the day's top stories like an editor: what many trusted sources cover today, not yesterday's
story again, and not two takes on one story.

The ranking, in full:

1. Eligible articles: published within `stories.window_hours` before the run's cut-off (any date when
   that is null; both edges count). An undated article (whose
   feed gives no date either) counts as published at the cut-off. The producer's `--exclude`
   URLs are dropped; a `--pin` URL's story is always kept.
2. Clustering by event (pipeline.stories.clustering): the same event told by different outlets in
   different words is one cluster, found from shared names, figures normalised with their units and
   currencies, wording and time; look-alike headlines about different companies, two events of one
   company and topical neighbours stay apart. Link-level duplicates (one guid, a tracking-parameter
   link, an "Update:" re-post) count once.
3. Score of a cluster = coverage + recency + topics, each recorded:
   - coverage: the sum of the weights of the distinct sources that carry the story;
   - recency: RECENCY_WEIGHT x how new its newest article is (1 at the cut-off, 0 at the start of the
     window; with no window, the newest eligible article stands in for the cut-off and the scale is
     RECENCY_SCALE_HOURS);
   - topics: the sum of the boosts of the configured topics the story matches (a source tag, or a
     keyword in a title).
4. Never repeat: a cluster is a repeat of a story from the last `stories.history_episodes` episodes
   when it shares a canonical URL with it, or when one of its articles is at least as similar to it
   as two articles of one cluster are. A similar cluster is a follow-up, and stays eligible, when one
   of its articles is newer than anything the earlier story had and its headline and lede (the first
   LEDE_WORDS words) are mostly new: at least FOLLOW_UP_NOVELTY of their terms are not in the earlier
   story. The explanation names the episode it follows up.
5. The two highest-scoring remaining clusters are the day's stories (pinned ones first), provided the
   second is not a near-miss of the first's cluster (similarity within RELATED_MARGIN of the cluster
   threshold: two takes on one story that the wording kept apart). Within a cluster the article from the highest-weight source leads (full page text, then
   the longer text, break a tie); the others are kept as extra coverage.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np

from pipeline.config import Topic
from pipeline.models import Article
from pipeline.stories import clustering as events
from pipeline.text import words

CLUSTER_THRESHOLD = 0.3
RELATED_MARGIN = 0.05  # picks closer than (cluster threshold - this) are two takes on one story
FOLLOW_UP_NOVELTY = 0.5
LEDE_WORDS = 60
RECENCY_WEIGHT = 0.5
RECENCY_SCALE_HOURS = 48
TEXT_WORDS = 150
STORIES_PER_SHOW = 2

_STOPWORDS = frozenset(
    """a about after all also an and are as at be been but by can could for from has have he her his how
    i if in into is it its it's more most new not of on or our over said says she so than that the their
    them then there these they this to up was we were what when which who will with would you""".split()
)


@dataclass(frozen=True)
class PastStory:
    """A story an earlier episode covered."""

    episode: date
    title: str
    text: str = ""
    urls: frozenset[str] = frozenset()  # canonical URLs of its lead and other coverage
    newest: datetime | None = None  # its newest article: a follow-up must bring something later


@dataclass
class Cluster:
    articles: list[Article]
    score: float = 0.0
    components: dict[str, float] = field(default_factory=dict)
    status: str = "candidate"  # picked | runner-up | repeat | excluded | too-close | out-of-window
    why: str = ""
    pinned: bool = False
    follow_up_of: PastStory | None = None
    topics: list[str] = field(default_factory=list)

    @property
    def lead(self) -> Article:
        return self.articles[0]

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(a.source for a in self.articles))

    @property
    def urls(self) -> set[str]:
        return {a.canonical_url for a in self.articles if a.canonical_url}


@dataclass
class Ranking:
    clusters: list[Cluster]  # every cluster, best first, each with its status
    cutoff: datetime
    explanation: list[str]

    @property
    def picked(self) -> list[Cluster]:
        return [c for c in self.clusters if c.status == "picked"]


# --- text similarity --------------------------------------------------------------------------------

def _stem(token: str) -> str:
    """A light English stemmer: enough for "opens"/"opened"/"opening" and "batteries"/"battery"."""
    if token.endswith(("'s", "\u2019s")):
        token = token[:-2]
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 5 and token.endswith("ing"):
        return token[:-3]
    if len(token) > 4 and token.endswith("ed") and not token.endswith("eed"):
        return token[:-2]
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def _meaningful(token: str) -> bool:
    if token.isdigit():
        return len(token) >= 3  # years and large figures identify a story; "2" and "40" do not
    return len(token) > 1 and token not in _STOPWORDS


def _terms(title: str, text: str, text_words: int = TEXT_WORDS) -> list[str]:
    opening = " ".join(words(text)[:text_words])
    tokens = [w.lower().strip("'\u2019-").replace(",", "") for w in words(f"{title} {title} {opening}")]
    return [_stem(t) for t in tokens if _meaningful(t)]


def _tokens(article: Article) -> list[str]:
    return _terms(article.title, article.text)


def _tfidf(docs: list[Counter]):
    """Row-normalised TF-IDF vectors (sparse: a day's few hundred items have tens of thousands of terms)."""
    from scipy.sparse import csr_matrix

    vocabulary = {term: i for i, term in enumerate(sorted({t for doc in docs for t in doc}))}
    document_frequency = Counter(t for doc in docs for t in doc)
    idf = {t: math.log((1 + len(docs)) / (1 + df)) + 1 for t, df in document_frequency.items()}
    rows, cols, values = [], [], []
    for row, doc in enumerate(docs):
        weights = {vocabulary[term]: (1 + math.log(count)) * idf[term] for term, count in doc.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for col, weight in weights.items():
            rows.append(row)
            cols.append(col)
            values.append(weight / norm)
    return csr_matrix((values, (rows, cols)), shape=(len(docs), max(1, len(vocabulary))))


def similarity_matrix(articles: list[Article], extra: list[tuple[str, str]] = ()) -> np.ndarray:
    """Cosine similarities of the articles (and of any extra (title, text) documents after them)."""
    docs = [Counter(_tokens(a)) for a in articles] + [Counter(_terms(t, x)) for t, x in extra]
    if not docs:
        return np.zeros((0, 0))
    matrix = _tfidf(docs)
    return np.asarray((matrix @ matrix.T).todense())


def cluster(articles: list[Article]) -> list[list[Article]]:
    """The articles grouped by the event they tell (pipeline.stories.clustering: names, figures, wording, time)."""
    items = [events.Item(title=a.title, text=a.text, published=a.published, source=a.source, url=a.url,
                         guid=a.guid) for a in articles]
    return [[articles[i] for i in group] for group in events.cluster(items)]


def novelty(new_text: str, old_text: str, new_title: str = "") -> float:
    """The share of the new headline's and lede's meaningful terms that the old text lacks (0..1).

    Only the opening of the new text counts: a follow-up says what is new at the top, and a full
    article page retelling yesterday's story should not look new just for being longer.
    """
    return _share_new(new_text, new_title, _told_terms(old_text))


def _told_terms(old_text: str) -> frozenset[str]:
    """Every meaningful term of an earlier story's text: all of it was already told."""
    return frozenset(_terms("", old_text, text_words=10_000))


def _share_new(new_text: str, new_title: str, told: frozenset[str]) -> float:
    new_terms = set(_terms(new_title, new_text, text_words=LEDE_WORDS))
    if not new_terms:
        return 0.0
    return len(new_terms - told) / len(new_terms)


# --- selection --------------------------------------------------------------------------------------

def window_start(cutoff: datetime, window_hours: float | None) -> datetime | None:
    return None if window_hours is None else cutoff - timedelta(hours=window_hours)


def in_window(published: datetime | None, cutoff: datetime, window_hours: float | None) -> bool:
    """[cut-off - window_hours, cut-off], both edges in; any date when window_hours is None; undated: in."""
    start = window_start(cutoff, window_hours)
    return published is None or start is None or start <= published <= cutoff


def eligible(articles: list[Article], cutoff: datetime, window_hours: float | None) -> list[Article]:
    return [a for a in articles if in_window(a.published, cutoff, window_hours)]


def rank(
    articles: list[Article],
    cutoff: datetime,
    window_hours: float | None,
    weights: dict[str, float],
    *,
    threshold: float = CLUSTER_THRESHOLD,
    topics: list[Topic] = (),
    history: list[PastStory] = (),
    pins: list[str] = (),
    excludes: list[str] = (),
    stories: int = STORIES_PER_SHOW,
) -> Ranking:
    """Every candidate cluster scored, filtered and explained; `stories` of them picked."""
    from pipeline.urls import canonical

    pin_urls = {canonical(u) for u in pins}
    exclude_urls = {canonical(u) for u in excludes}
    in_window = eligible(articles, cutoff, window_hours)
    kept_ids = {id(a) for a in in_window}
    candidates = [a for a in articles if id(a) in kept_ids or a.canonical_url in pin_urls]
    if window_hours is None:
        cutoff = max((a.published for a in candidates if a.published), default=cutoff)
    scale_hours = window_hours or RECENCY_SCALE_HOURS

    past = list(history)
    similarity = similarity_matrix(candidates, [(p.title, p.text) for p in past])
    past_told = [_told_terms(p.text) for p in past]
    n = len(candidates)
    index = {id(a): i for i, a in enumerate(candidates)}
    groups = cluster(candidates)

    clusters = []
    for group in groups:
        group.sort(key=lambda a: (-weights.get(a.source, 1.0), a.text_origin != "article", -len(a.text), a.title))
        coverage = sum(weights.get(source, 1.0) for source in dict.fromkeys(a.source for a in group))
        newest = max((a.published or cutoff for a in group), default=cutoff)
        freshness = min(1.0, max(0.0, 1 - (cutoff - newest).total_seconds() / (scale_hours * 3600)))
        matched = _matching_topics(group, topics)
        components = {
            "coverage": round(coverage, 3),
            "recency": round(RECENCY_WEIGHT * freshness, 3),
            "topics": round(sum(t.boost for t in matched), 3),
        }
        clusters.append(Cluster(articles=group, score=round(sum(components.values()), 3), components=components,
                                topics=[t.name for t in matched]))
    clusters.sort(key=lambda c: (-c.score, -len(c.sources), c.lead.title))

    for item in clusters:
        item.pinned = bool(item.urls & pin_urls)
        if item.pinned:
            item.why = "pinned by the producer"
            continue
        if item.urls & exclude_urls:
            item.status, item.why = "excluded", "excluded by the producer"
            continue
        _check_repeat(item, past, past_told, similarity, index, n, threshold)

    picked: list[Cluster] = []
    for item in sorted(clusters, key=lambda c: not c.pinned):  # stable: pinned first, then by score
        if item.status != "candidate" or len(picked) >= stories:
            continue
        close = _closest(item, picked, similarity, index, threshold - RELATED_MARGIN)
        if close and not item.pinned:
            other, value = close
            item.status = "too-close"
            item.why = f"too close to the picked story {other.lead.title!r} (similarity {value:.2f}): one story"
            continue
        item.status = "picked"
        picked.append(item)
    for item in clusters:
        if item.status == "candidate":
            item.status = "runner-up"
    clusters.sort(key=lambda c: (c.status != "picked", not c.pinned if c.status == "picked" else False,
                                 -c.score, c.lead.title))
    return Ranking(clusters=clusters, cutoff=cutoff, explanation=explain(clusters, picked, scale_hours, cutoff))


def _matching_topics(group: list[Article], topics: list[Topic]) -> list[Topic]:
    matched = []
    tags = {t.lower() for a in group for t in a.tags}
    titles = " ".join(a.title for a in group).lower()
    for topic in topics:
        keywords = [k.lower() for k in topic.keywords]
        if topic.name.lower() in tags or any(re.search(rf"\b{re.escape(k)}\b", titles) for k in keywords):
            matched.append(topic)
    return matched


def _check_repeat(item: Cluster, past: list[PastStory], past_told: list[frozenset[str]], similarity: np.ndarray,
                  index: dict, n: int, threshold: float) -> None:
    for offset, story in enumerate(past):
        shared = item.urls & story.urls
        if shared:
            item.status, item.follow_up_of = "repeat", None
            item.why = f"covered in the episode of {story.episode}: {story.title!r} (same article)"
            return
        column = n + offset
        closest = max(similarity[index[id(a)], column] for a in item.articles)
        if closest < threshold:
            continue
        later = [a for a in item.articles if _later_than(a, story)]
        told = past_told[offset]
        share_new = max((_share_new(a.text, a.title, told) for a in later), default=0.0) if story.text else 0.0
        if share_new >= FOLLOW_UP_NOVELTY:
            item.follow_up_of = story
            item.why = (f"follow-up to {story.title!r} from the episode of {story.episode}: "
                        f"{share_new:.0%} of its text is new")
            continue
        item.status, item.follow_up_of = "repeat", None
        item.why = (f"covered in the episode of {story.episode}: {story.title!r} "
                    f"(similarity {closest:.2f}, only {share_new:.0%} new)")
        return


def _later_than(article: Article, story: PastStory) -> bool:
    if article.published is None:
        return False
    if story.newest is not None:
        return article.published > story.newest
    return article.published.date() >= story.episode


def _closest(item: Cluster, picked: list[Cluster], similarity: np.ndarray, index: dict, limit: float):
    best = None
    for other in picked:
        value = max(similarity[index[id(a)], index[id(b)]] for a in item.articles for b in other.articles)
        if value >= limit and (best is None or value > best[1]):
            best = (other, float(value))
    return best


# --- explanation ------------------------------------------------------------------------------------

def describe(item: Cluster, scale_hours: float, cutoff: datetime) -> str:
    parts = [f"{len(item.sources)} source{'s' if len(item.sources) != 1 else ''} "
             f"({', '.join(item.sources)}: coverage {item.components['coverage']:g})"]
    newest = max((a.published for a in item.articles if a.published), default=None)
    if newest is not None:
        hours = max(0.0, (cutoff - newest).total_seconds() / 3600)
        parts.append(f"newest item {hours:.1f} h before the cut-off (recency {item.components['recency']:g})")
    else:
        parts.append(f"undated (recency {item.components['recency']:g})")
    if item.topics:
        parts.append(f"topics {', '.join(item.topics)} (+{item.components['topics']:g})")
    return "; ".join(parts)


def explain(clusters: list[Cluster], picked: list[Cluster], scale_hours: float, cutoff: datetime) -> list[str]:
    lines = []
    ordinals = ["First", "Second", "Third", "Fourth"]
    for position, item in enumerate(picked):
        reason = "pinned by the producer; " if item.pinned else ""
        line = (f"{ordinals[min(position, 3)]}: {item.lead.title!r} (score {item.score:g}): {reason}"
                f"{describe(item, scale_hours, cutoff)}; led by {item.lead.source}.")
        if item.follow_up_of:
            line += f" A {item.why}."
        lines.append(line)
    runners = [c for c in clusters if c.status == "runner-up"]
    if picked and runners:
        best = runners[0]
        last = picked[-1]
        lines.append(
            f"Next best: {best.lead.title!r} (score {best.score:g}): {describe(best, scale_hours, cutoff)}; "
            f"{_margin(last, best)}."
        )
    for item in clusters:
        if item.status in ("repeat", "excluded", "too-close") and item.score >= (picked[-1].score if picked else 0):
            lines.append(f"Passed over {item.lead.title!r} (score {item.score:g}): {item.why}.")
    return lines


def _margin(winner: Cluster, loser: Cluster) -> str:
    if winner.pinned:
        return "the picked story was pinned"
    deltas = {k: winner.components.get(k, 0) - loser.components.get(k, 0) for k in winner.components}
    decisive = max(deltas, key=lambda k: deltas[k])
    if winner.score == loser.score:
        return "a tie on score, broken by the number of sources, then the title"
    return (f"{winner.score - loser.score:.2f} behind the last pick, mostly on {decisive} "
            f"({winner.components[decisive]:g} vs {loser.components.get(decisive, 0):g})")
