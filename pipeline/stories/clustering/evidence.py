"""How much two items' names, figures, wording and times say they tell one event."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from pipeline.stories.clustering.entities import Entity, Features
from pipeline.stories.clustering.figures import Figure
from pipeline.stories.clustering.kinds import different_kinds
from pipeline.stories.clustering.text import Item, clean, fold, strip_update
from pipeline.stories.clustering.weights import (
    BODY_SALIENCE,
    CHAR_FLOOR,
    CHAR_WEIGHT,
    FULL_TIME_HOURS,
    ZERO_TIME_HOURS,
)
from pipeline.text import split_sentences

# --- character n-grams --------------------------------------------------------------------------------

def char_tfidf(texts: list[str], sizes=(3, 4, 5)) -> sparse.csr_matrix:
    """Row-normalised TF-IDF of character n-grams (rolling hashes over code points, numpy only)."""
    n_docs = len(texts)
    if n_docs == 0:
        return sparse.csr_matrix((0, 1))
    joined = "\x00".join(" " + t + " " for t in texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    doc = np.cumsum(codes == 0).astype(np.int64)
    rows, hashes = [], []
    base = np.uint64(1_000_003)
    for n in sizes:
        if len(codes) < n:
            continue
        length = len(codes) - n + 1
        h = np.full(length, np.uint64(n), dtype=np.uint64)
        valid = np.ones(length, dtype=bool)
        with np.errstate(over="ignore"):
            for k in range(n):
                window = codes[k:k + length]
                h = h * base + window
                valid &= window != 0
        rows.append(doc[:length][valid])
        hashes.append(h[valid])
    row = np.concatenate(rows)
    col_hash = np.concatenate(hashes)
    uniq, col = np.unique(col_hash, return_inverse=True)
    matrix = sparse.csr_matrix((np.ones(len(row), dtype=np.float64), (row, col)), shape=(n_docs, len(uniq)))
    matrix.sum_duplicates()
    matrix.data = 1.0 + np.log(matrix.data)
    df = np.bincount(matrix.indices, minlength=len(uniq))
    idf = np.log((1 + n_docs) / (1 + df)) + 1.0
    matrix = matrix.multiply(idf[np.newaxis, :]).tocsr()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ matrix


def _wording(item: Item, feats: Features) -> str:
    """Headline and first two sentences, folded, without the item's names and digits: what the
    character n-grams compare is the wording of the event, not the names (those are scored apart)."""
    text = clean(item.text)
    lede = " ".join(split_sentences(text)[:2])
    masked = {w for k in feats.keys for w in k.split()}
    words = re.findall(r"[^\W\d_]+", fold(f"{clean(strip_update(item.title))} {lede}"))
    return " ".join(w for w in words if w not in masked)


# --- pair evidence -----------------------------------------------------------------------------------

@dataclass
class Evidence:
    score: float
    entities: float
    figures: float
    char: float
    time_factor: float
    conflict: bool
    shared: list[str] = field(default_factory=list)


def _rarity(df: int, scale: float) -> float:
    return min(1.0, math.sqrt(scale / df)) if df > 0 else 1.0


def _same_entity(ea: Entity, eb: Entity) -> float:
    """How surely two mentions name one entity: 1, 0.3 for a shared first name only, 0 for none."""
    common = ea.keys & eb.keys
    if common:
        if len(ea.keys) >= 2 and len(eb.keys) >= 2 and ea.keys - common and eb.keys - common:
            return 0.3  # "Daan Visscher" and "Daan Bakker"
        return 1.0
    if (ea.alias and ea.alias in eb.keys) or (eb.alias and eb.alias in ea.keys):
        return 1.0
    return 0.0


def _entity_credit(a: Features, b: Features, df: dict[str, int], scale: float, shared: list[str]) -> float:
    total = 0.0
    for ea in a.entities:
        if not (ea.keys & b.keys or ea.keys & b.aliases or (ea.alias and ea.alias in b.keys)):
            continue
        best = 0.0
        for eb in b.entities:
            sure = _same_entity(ea, eb)
            if sure:
                sal = (1.0 if ea.salient else BODY_SALIENCE) * (1.0 if eb.salient else BODY_SALIENCE)
                best = max(best, sure * min(ea.weight, eb.weight) * sal)
        if best:
            total += best * max(_rarity(df.get(k, 1), scale) for k in ea.keys)
            shared.append(sorted(ea.keys)[0])
    return total


def conflict(a: Features, b: Features) -> bool:
    """Both name a distinctive subject, and neither's subjects appear in the other; or their headlines
    report different kinds of event (a recall and a new chief executive)."""
    if different_kinds(a.kinds, b.kinds):
        return True
    if not (a.subjects and b.subjects):
        return False
    return not (a.subjects & (b.keys | b.aliases)) and not (b.subjects & (a.keys | a.aliases))


def pair_evidence(a: Features, b: Features, char: float, df: dict[str, int], scale: float) -> Evidence:
    shared: list[str] = []
    ents = min(_entity_credit(a, b, df, scale, shared), _entity_credit(b, a, df, scale, []))
    figs = 0.0
    used: set[int] = set()
    for fa in a.figures:
        for j, fb in enumerate(b.figures):
            if j not in used and fa.matches(fb):
                used.add(j)
                sal = (1.0 if fa.salient else BODY_SALIENCE) * (1.0 if fb.salient else BODY_SALIENCE)
                rarity = _rarity(df.get(_figure_key(fa), 1), scale)
                figs += min(fa.weight, fb.weight) * sal * rarity
                shared.append(f"{fa.dim}={math.exp(fa.log):.4g}")
                break
    time_factor = 1.0
    if a.published and b.published:
        hours = abs((a.published - b.published).total_seconds()) / 3600
        if hours > FULL_TIME_HOURS:
            time_factor = max(0.0, 1 - (hours - FULL_TIME_HOURS) / (ZERO_TIME_HOURS - FULL_TIME_HOURS))
    text = CHAR_WEIGHT * max(0.0, char - CHAR_FLOOR)
    is_conflict = conflict(a, b)
    score = 0.0 if is_conflict else time_factor * (ents + figs + text)
    return Evidence(score, ents, figs, char, time_factor, is_conflict, shared)


def _figure_key(f: Figure) -> str:
    """The figure's identity for rarity counts."""
    return f"{f.dim}#{round(f.log, 3)}"


def _figure_buckets(f: Figure) -> list[str]:
    """Keys that two matching figures always share: the value rounded to 1, 2, ... of its own digits
    (a rough figure matches a fine one when the fine one, so rounded, equals it)."""
    value = math.exp(f.log)
    keys = [f"{f.dim}#exact#{value:.6g}"]
    if f.dim != "year":
        for digits in range(1, min(f.digits, 6) + 1):
            rounded = round(value, digits - 1 - math.floor(math.log10(value)))
            keys.append(f"{f.dim}#{digits}#{rounded:.6g}")
    return keys
