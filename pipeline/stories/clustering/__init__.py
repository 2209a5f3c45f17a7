"""Clusters news items by event: the same story across outlets' rewording, different stories kept apart.

    cluster(items: list[Item]) -> list[list[int]]     # indices into `items`, one list per event

How it decides (numpy/scipy/stdlib only; no model, no download):

1. Link-level duplicates are merged first (`dedupe`): the same guid within a source (a URL-shaped guid is
   compared as a URL), the same canonical URL (scheme, `www.`, host case, fragment, trailing slash and
   utm_/fbclid/... tracking parameters ignored), or the same source re-posting an item whose title differs
   only by an "Update:"/"UPDATED -"/"Correction:" prefix or "(updated)" suffix, within 48 h and with mostly
   the same words. A duplicate joins its original's cluster and is not scored on its own.

2. Every remaining item is read for evidence:
   - named entities: runs of capitalised words (with "of", "van", "de", "&" ... inside). A run's
     distinctive words are its keys ("Helvion Energy" -> helvion: "energy" is an English word). A
     capitalised word at the start of a sentence, after a colon or quote, or anywhere in a Title Case
     headline counts only when it is not an English word (lexicon.txt.gz, from Debian's word lists) and the
     batch never writes it in lower case, or when the batch also capitalises it mid-sentence. A name of 3+
     words also answers to its initials ("European Investment Bank" = "EIB"). Well-known places and
     nationalities (places.py) weigh PLACE_WEIGHT; names made only of English words ("Series A", "Keel
     Ventures") weigh LEXICAL_NAME_WEIGHT; role words ("chief executive", "Minister") are dropped. Two
     people who share only a first name count 0.3 of a match.
   - figures, normalised with unit or currency: "€1.1 billion" = "1.1 billion euros" = "EUR 1.1 bn" =
     "€1,1 mld"; "220k" = "220,000"; "320 MW" = "320-megawatt" = "0.32 GW"; "1.28 GWh" = "1,280 MWh";
     "two-gigawatt", "five million". Rounding-tolerant: two figures match when the more precise one,
     rounded to the other's significant digits, equals it (48,000 ~ "nearly 50,000", 5.1 million ~ "five
     million", $3.36 bn ~ $3.4 bn; 90 MW is not 100 MW). Years match exactly and weigh little; small counts
     are ignored; clock times and model numbers (A12, 5G) are not figures.
   - salience: in the lede (headline and first sentence; the second sentence too when those name no one)
     or further down (BODY_SALIENCE).
   - wording: character 3-5-gram TF-IDF cosine of headline + first two sentences with the item's names and
     digits removed (so it measures how the event is told, not the names, which count above).
   - publication time.

3. Two items' evidence (`pair_evidence`):
       score = time_factor * (entities + figures + CHAR_WEIGHT * max(0, wording_cosine - CHAR_FLOOR))
   A shared entity or figure adds weight x rarity x salience(a) x salience(b) (the entity sum is taken
   both ways and the smaller kept); rarity = min(1, sqrt(scale / items carrying it)), scale = 2 x the
   batch's sources (min 6), so a name in many items of the window weighs less. time_factor is 1 up to 24 h
   apart, falling to 0 at 72 h. THRESHOLD 1.5 means: one distinctive name in both ledes (1.0) is not enough;
   the name plus a shared figure, person, product, or clearly shared wording is.

4. Entity conflict (cannot-link): when both items name a distinctive subject (a non-place name made of
   a non-English word, in the lede) and neither item's subjects appear anywhere in the other, they are
   about different actors ("Dutch startup raises €20 million in Series A round" for two firms) and are
   never put in one cluster, whatever else they share.

5. Clustering: pairs scoring >= THRESHOLD are linked; groups are merged strongest link first (single
   link), except that two groups are not merged when any cross pair is in conflict, or when fewer than
   half of their cross pairs are linked (majority linkage: one company + its home town + similar wording
   does not fold two events of one company together through a single link).
   Candidate pairs come from sparse products with an exact upper bound of the score (shared keys and
   figure buckets at full weight, wording bounded by Cauchy-Schwarz over the common n-grams), so only a few
   thousand pairs of 1,000 items are scored in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from pipeline.stories.clustering.entities import Features, features
from pipeline.stories.clustering.evidence import (
    Evidence,
    _figure_buckets,
    _figure_key,
    _rarity,
    _wording,
    char_tfidf,
    conflict,
    pair_evidence,
)
from pipeline.stories.clustering.text import Item, dedupe, find_root
from pipeline.stories.clustering.weights import (
    CHAR_FLOOR,
    CHAR_WEIGHT,
    FULL_TIME_HOURS,
    RARITY_PER_SOURCE,
    THRESHOLD,
    ZERO_TIME_HOURS,
)

# --- clustering ---------------------------------------------------------------------------------------

@dataclass
class Analysis:
    """Everything cluster() computed, for explanations and tests."""
    items: list[Item]
    duplicate_of: list[int]
    originals: list[int]
    features: list[Features]
    char: sparse.csr_matrix
    df: dict[str, int]
    scale: float

    def evidence(self, i: int, j: int) -> Evidence:
        """Evidence between items i and j (indices into the input)."""
        a, b = self.originals.index(self.duplicate_of[i]), self.originals.index(self.duplicate_of[j])
        char = float(self.char[a].multiply(self.char[b]).sum())
        return pair_evidence(self.features[a], self.features[b], char, self.df, self.scale)


def analyse(items: list[Item]) -> Analysis:
    duplicate_of = dedupe(items)
    originals = [i for i in range(len(items)) if duplicate_of[i] == i]
    unique = [items[i] for i in originals]
    feats = features(unique)
    char = char_tfidf([_wording(i, f) for i, f in zip(unique, feats)])
    df: dict[str, int] = {}
    for f in feats:
        for k in f.keys | {_figure_key(x) for x in f.figures}:
            df[k] = df.get(k, 0) + 1
    scale = max(6.0, RARITY_PER_SOURCE * len({i.source for i in unique}))
    return Analysis(items, duplicate_of, originals, feats, char, df, scale)


def _candidate_pairs(analysis: Analysis, threshold: float):
    """Pairs that could reach `threshold`: they share an entity key, a figure bucket or wording, and an
    upper bound of their score (every shared key at full weight) is high enough. Sparse products only."""
    feats = analysis.features
    n = len(feats)
    vocab: dict[str, int] = {}
    weight: list[float] = []
    rows, cols = [], []

    def column(key: str, df_key: str, most: float) -> int:
        if key not in vocab:
            vocab[key] = len(vocab)
            weight.append(0.0)
        col = vocab[key]
        weight[col] = max(weight[col], most * _rarity(analysis.df.get(df_key, 1), analysis.scale))
        return col

    for i, f in enumerate(feats):
        for e in f.entities:
            for k in e.keys | ({e.alias} if e.alias else set()):
                rows.append(i)
                cols.append(column("e:" + k, k, e.weight))
        for fig in f.figures:
            for key in _figure_buckets(fig):
                rows.append(i)
                cols.append(column("f:" + key, _figure_key(fig), fig.weight))
    incidence = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, max(1, len(vocab))))
    weighted = incidence @ sparse.diags(np.asarray(weight or [0.0]))
    bound = (weighted @ incidence.T).tocsr()
    # Wording: the product over the rarer n-grams only (a dense product of all of them is most of the cost);
    # what the common n-grams can add is bounded by Cauchy-Schwarz: |a_common| * |b_common|.
    char = analysis.char.tocsc()
    df = np.diff(char.indptr)
    common = df > max(5, 0.05 * n)
    rare_part = char[:, ~common].tocsr()
    common_part = char[:, common].toarray()
    common_norm = np.sqrt(np.einsum("ij,ij->i", common_part, common_part))
    char_only = CHAR_WEIGHT * max(0.0, min(1.0, float(common_norm.max(initial=0.0)) ** 2) - CHAR_FLOOR)
    if char_only >= threshold:  # the bound would not prune: compare every pair in full
        rare_part, common_part, common_norm = analysis.char.tocsr(), np.zeros((n, 0)), np.zeros(n)
    both = (bound.astype(np.complex128) + 1j * (rare_part @ rare_part.T)).tocoo()  # real: names and figures
    keep = both.row < both.col
    left, right = both.row[keep], both.col[keep]
    bound_values, rare_dot = both.data[keep].real, both.data[keep].imag
    char_bound = np.minimum(1.0, rare_dot + common_norm[left] * common_norm[right])
    upper_values = bound_values + CHAR_WEIGHT * np.maximum(0.0, char_bound - CHAR_FLOOR)
    keep = upper_values >= threshold - 1e-9
    left, right, upper_values, rare_dot = left[keep], right[keep], upper_values[keep], rare_dot[keep]
    stamps = np.array([f.published.timestamp() if f.published else np.nan for f in feats])
    hours = np.abs(stamps[left] - stamps[right]) / 3600
    factor = np.where(np.isnan(hours), 1.0,
                      np.clip(1 - (hours - FULL_TIME_HOURS) / (ZERO_TIME_HOURS - FULL_TIME_HOURS), 0.0, 1.0))
    possible = factor * upper_values >= threshold - 1e-9
    left, right, rare_dot = left[possible], right[possible], rare_dot[possible]
    sims = rare_dot + np.einsum("ij,ij->i", common_part[left], common_part[right])  # the exact cosine
    return left, right, sims


def cluster(items: list[Item], threshold: float = THRESHOLD) -> list[list[int]]:
    """Groups of indices into `items`, one group per event, each sorted; groups in order of first index."""
    if not items:
        return []
    analysis = analyse(items)
    return cluster_analysis(analysis, threshold)


def cluster_analysis(analysis: Analysis, threshold: float = THRESHOLD) -> list[list[int]]:
    feats = analysis.features
    n = len(feats)
    left, right, sims = _candidate_pairs(analysis, threshold)
    edges = []
    for a, b, c in zip(left.tolist(), right.tolist(), sims.tolist()):
        ev = pair_evidence(feats[a], feats[b], c, analysis.df, analysis.scale)
        if ev.score >= threshold:
            edges.append((ev.score, a, b))
    edges.sort(key=lambda e: (-e[0], e[1], e[2]))
    parent = list(range(n))
    members = {i: [i] for i in range(n)}
    blocked: dict[tuple[int, int], bool] = {}

    def root(i: int) -> int:
        return find_root(parent, i)

    def conflicts(x: int, y: int) -> bool:
        for p in members[x]:
            for q in members[y]:
                key = (p, q) if p < q else (q, p)
                if key not in blocked:
                    blocked[key] = conflict(feats[p], feats[q])
                if blocked[key]:
                    return True
        return False

    linked = {(a, b) for _, a, b in edges}

    def supported(x: int, y: int) -> bool:
        """Most cross pairs of the two groups are linked themselves (majority linkage)."""
        hits = sum((min(p, q), max(p, q)) in linked for p in members[x] for q in members[y])
        return 2 * hits >= len(members[x]) * len(members[y])

    for _, a, b in edges:
        ra, rb = root(a), root(b)
        if ra == rb or conflicts(ra, rb) or not supported(ra, rb):
            continue
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        members[ra] += members.pop(rb)
    groups: dict[int, list[int]] = {}
    position = {orig: k for k, orig in enumerate(analysis.originals)}
    for index in range(len(analysis.items)):
        groups.setdefault(root(position[analysis.duplicate_of[index]]), []).append(index)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])
