"""Picks the day's top stories: cluster the articles by story, score each cluster, take the best two.

The ranking, in full:

1. Eligible articles: published within `stories.window_hours` before the run's cut-off (any date when
   that is null; an article without a date counts as published at the cut-off).
2. Clustering: each article becomes a TF-IDF vector of its title (counted twice) and the first 150
   words of its text. Two articles whose cosine similarity is at least CLUSTER_THRESHOLD are about the
   same story; clusters are the connected groups.
3. Score of a cluster = coverage + recency, where coverage is the sum of the weights of the distinct
   sources that carry the story, and recency is RECENCY_WEIGHT x how new its newest article is
   (1 at the cut-off, 0 at the start of the window). With no window, the newest eligible article
   stands in for the cut-off and the scale is RECENCY_SCALE_HOURS.
4. The two highest-scoring clusters are the day's stories. Within a cluster the article from the
   highest-weight source leads (the longer text breaks a tie); the others are kept as extra coverage.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from pipeline.models import Article
from pipeline.text import words

CLUSTER_THRESHOLD = 0.3
RECENCY_WEIGHT = 0.5
RECENCY_SCALE_HOURS = 48
TEXT_WORDS = 150

_STOPWORDS = frozenset(
    """a about after all also an and are as at be been but by can could for from has have he her his how
    i if in into is it its it's more most new not of on or our over said says she so than that the their
    them then there these they this to up was we were what when which who will with would you""".split()
)


@dataclass
class Cluster:
    articles: list[Article]
    score: float
    components: dict[str, float]

    @property
    def lead(self) -> Article:
        return self.articles[0]

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(a.source for a in self.articles))


def eligible(articles: list[Article], cutoff: datetime, window_hours: float | None) -> list[Article]:
    if window_hours is None:
        return list(articles)
    start = cutoff - timedelta(hours=window_hours)
    return [a for a in articles if a.published is None or start <= a.published <= cutoff]


def _tokens(article: Article) -> list[str]:
    text = " ".join(words(article.text)[:TEXT_WORDS])
    tokens = [w.lower().strip("'\u2019-") for w in words(f"{article.title} {article.title} {text}")]
    return [t for t in tokens if _meaningful(t)]


def _meaningful(token: str) -> bool:
    if token.isdigit():
        return len(token) >= 3  # years and large figures identify a story; "2" and "40" do not
    return len(token) > 1 and token not in _STOPWORDS


def similarity_matrix(articles: list[Article]) -> np.ndarray:
    docs = [Counter(_tokens(a)) for a in articles]
    vocabulary = {term: i for i, term in enumerate(sorted({t for doc in docs for t in doc}))}
    document_frequency = Counter(t for doc in docs for t in doc)
    idf = {t: math.log((1 + len(docs)) / (1 + df)) + 1 for t, df in document_frequency.items()}
    matrix = np.zeros((len(docs), len(vocabulary)))
    for row, doc in enumerate(docs):
        for term, count in doc.items():
            matrix[row, vocabulary[term]] = (1 + math.log(count)) * idf[term]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = matrix / np.where(norms == 0, 1, norms)
    return matrix @ matrix.T


def cluster(articles: list[Article], threshold: float = CLUSTER_THRESHOLD) -> list[list[Article]]:
    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    similarity = similarity_matrix(articles) if articles else np.zeros((0, 0))
    for i in range(len(articles)):
        for j in range(i + 1, len(articles)):
            if similarity[i, j] >= threshold:
                parent[root(j)] = root(i)
    groups: dict[int, list[Article]] = {}
    for i, article in enumerate(articles):
        groups.setdefault(root(i), []).append(article)
    return list(groups.values())


def rank(
    articles: list[Article], cutoff: datetime, window_hours: float | None, weights: dict[str, float]
) -> list[Cluster]:
    candidates = eligible(articles, cutoff, window_hours)
    if window_hours is None:
        cutoff = max((a.published for a in candidates if a.published), default=cutoff)
    scale_hours = window_hours or RECENCY_SCALE_HOURS
    clusters = []
    for group in cluster(candidates):
        group.sort(key=lambda a: (-weights.get(a.source, 1.0), -len(a.text), a.title))
        coverage = sum(weights.get(source, 1.0) for source in dict.fromkeys(a.source for a in group))
        newest = max((a.published or cutoff for a in group), default=cutoff)
        freshness = min(1.0, max(0.0, 1 - (cutoff - newest).total_seconds() / (scale_hours * 3600)))
        components = {"coverage": round(coverage, 3), "recency": round(RECENCY_WEIGHT * freshness, 3)}
        clusters.append(Cluster(articles=group, score=round(sum(components.values()), 3), components=components))
    clusters.sort(key=lambda c: (-c.score, c.lead.title))
    return clusters
