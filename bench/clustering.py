"""How long event clustering takes on a busy day: 1,000 items, side by side with the TF-IDF it replaced.

    .venv/bin/python bench/clustering.py [N]

The labelled fixture's five days (tests/fixtures/stories, 166 items) are replicated with other names:
every distinctive name (a capitalised word that is neither English nor a well-known place) is replaced
per copy by a made-up word from a seeded generator, so copies do not merge through names, while figures,
places and wording stay, which keeps the candidate pairs realistic. Each copy has its own four sources
(25 for 1,000 items, like a real day). Prints the median and worst of 5 runs, wall clock and CPU:
on a shared machine the wall clock also measures the neighbours. The goal is under 2 s.
"""

from __future__ import annotations

import random
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import yaml  # noqa: E402

from pipeline.config import Source  # noqa: E402
from pipeline.stories import ranking, sources  # noqa: E402
from pipeline.stories.clustering.places import PLACES  # noqa: E402
from pipeline.stories.clustering.text import fold, lexicon  # noqa: E402

FIXTURE = REPO / "tests" / "fixtures" / "stories"


def renamer(seed: int):
    rng = random.Random(seed)
    names: dict[str, str] = {}
    words = lexicon()

    def word(match: re.Match) -> str:
        token = match.group(0)
        if token.lower() in words or fold(token) in PLACES or len(token) < 3:
            return token
        if token not in names:
            made = "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 3)))
            names[token] = made.upper() if token.isupper() else made.capitalize()
        return names[token]

    return lambda text: re.sub(r"\b[A-Z]\w*", word, text)


def articles(copies: int) -> list:
    labels = yaml.safe_load((FIXTURE / "labels.yaml").read_text(encoding="utf-8"))
    day = []
    for name, meta in labels["sources"].items():
        day += sources.parse_feed(Source(name=name, url=str(FIXTURE / meta["file"])),
                                  (FIXTURE / meta["file"]).read_bytes()).articles
    out = []
    for copy in range(copies):
        rename = renamer(copy) if copy else (lambda text: text)
        suffix = f"-{copy}" if copy else ""
        out += [a.model_copy(update={"title": rename(a.title), "text": rename(a.text), "source": a.source + suffix,
                                     "url": (a.url or "") + suffix, "guid": (a.guid or "") + suffix}) for a in day]
    return out


def timed(run, repeat: int = 5) -> tuple[float, float, float]:
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), max(wall), statistics.median(cpu)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    batch = articles(copies=n // 160 + 1)[:n]
    lexicon()  # loaded once per process, as in a run
    rows = [("event clustering (names, figures, wording, time)", timed(lambda: ranking.cluster(batch))),
            ("the TF-IDF similarity it replaced (matrix only)", timed(lambda: ranking.similarity_matrix(batch)))]
    groups = len(ranking.cluster(batch))
    print(f"{len(batch)} items from {len({a.source for a in batch})} sources -> {groups} event clusters")
    print(f"{'':<52} {'wall median':>11} {'worst':>7} {'CPU':>7}")
    for name, (median, worst, cpu) in rows:
        print(f"{name:<52} {median:>10.3f}s {worst:>6.3f}s {cpu:>6.3f}s")
    ratio = rows[0][1][0] / rows[1][1][0]
    print(f"event clustering / TF-IDF matrix: {ratio:.1f}x; goal for clustering: under 2 s")


if __name__ == "__main__":
    main()
