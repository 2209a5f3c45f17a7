"""Measures the speaking rate (words per minute) of the show's host voices, for script.words_per_minute.

Synthesizes the first ~300 words of the bundled sample news (the lead story's article, the way the
script stage would hand it over: sentence by sentence, as turns) with each host's voice from
config.yaml, and divides words by minutes of audio. The mix adds pauses between turns on top; the
second figure includes them (mix.pause_ms per turn of about three sentences).

    .venv/bin/python bench/speaking_rate.py [--config config.yaml] [--words 300]
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline import runner  # noqa: E402
from pipeline.config import load_config  # noqa: E402
from pipeline.context import StageContext  # noqa: E402
from pipeline.models import StoriesArtifact  # noqa: E402
from pipeline.text import split_sentences, word_count  # noqa: E402

SENTENCES_PER_TURN = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="config.yaml")
    parser.add_argument("--words", type=int, default=300)
    args = parser.parse_args()
    config = load_config(args.config)
    day = date(2026, 11, 30)
    runner.run_day(config, day, only="stories")
    ctx = StageContext(config=config, date=day, now=None)
    stories = ctx.read("stories.json", StoriesArtifact).stories
    sentences = [s for story in stories for s in split_sentences(story.text)]
    picked, total = [], 0
    for sentence in sentences:
        if total >= args.words:
            break
        picked.append(sentence)
        total += word_count(sentence)
    turns = [" ".join(picked[i:i + SENTENCES_PER_TURN]) for i in range(0, len(picked), SENTENCES_PER_TURN)]
    pause = config.mix.pause_ms / 1000
    rates = []
    for host in ctx.host_names:
        voice = ctx.voice(host)
        seconds = sum(voice.synthesize(turn).seconds for turn in turns)
        rate = total / (seconds / 60)
        with_pauses = total / ((seconds + pause * len(turns)) / 60)
        rates.append(with_pauses)
        print(f"{host:8} {voice.describe():32} {total} words in {seconds:6.1f} s: {rate:5.1f} wpm voice only, "
              f"{with_pauses:5.1f} wpm with {config.mix.pause_ms} ms between turns")
    print(f"show average (with pauses): {sum(rates) / len(rates):.0f} wpm")


if __name__ == "__main__":
    main()
