"""How much the stories stage costs offline, side by side (one run each, wall time and ratio).

    .venv/bin/python bench/stories_offline.py

1. as shipped: the sample sources are local files, so no article page is fetched;
2. every sample source with `fetch_articles: true`: each leading candidate's page is requested from its
   *.example host, which does not resolve; the run falls back to the feed text;
3. `stories.full_text: false`: no page fetching at all (the floor).

The point of the comparison: with no network, asking for pages must not slow `make run` noticeably.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.config import load_config  # noqa: E402
from pipeline.context import StageContext  # noqa: E402
from pipeline.stories import stage as stories  # noqa: E402
from tests.conftest import show_config, write_config  # noqa: E402

DAY = date(2026, 11, 26)


def timed(name: str, **changes) -> float:
    with tempfile.TemporaryDirectory() as folder:
        data = show_config(Path(folder))
        for source in data["sources"]:
            source.update(changes.get("source", {}))
        data["stories"] = {**data["stories"], **changes.get("stories", {})}
        config = load_config(write_config(Path(folder), data))
        ctx = StageContext(config=config, date=DAY, now=datetime.now(timezone.utc))
        started = time.perf_counter()
        artifact = stories.run(ctx)
        seconds = time.perf_counter() - started
    origins = {s.text_note or s.text_origin for s in artifact.stories}
    print(f"{name:<44} {seconds:7.3f} s   picks: {', '.join(s.title.split()[0] for s in artifact.stories)}; "
          f"text: {'; '.join(sorted(origins))}")
    return seconds


def main() -> None:
    timed("(warm-up: imports and caches, not compared)", stories={"full_text": False})
    floor = timed("full_text: false (no page fetching)", stories={"full_text": False})
    shipped = timed("as shipped (local files: pages not fetched)")
    fetching = timed("fetch_articles: true (hosts do not resolve)", source={"fetch_articles": True})
    print(f"\nratio as shipped / floor:        {shipped / floor:5.2f}")
    print(f"ratio fetching pages / floor:    {fetching / floor:5.2f}")


if __name__ == "__main__":
    main()
