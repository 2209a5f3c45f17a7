"""The stories stage end to end: the samples, remote sources with article pages, never repeating a
published story, the producer's overrides, and failing before any writer or voice when too few remain."""

from __future__ import annotations

import json
from datetime import date

import pytest

from pipeline import runner
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.errors import SourceError
from pipeline.models import StoriesArtifact
from tests.conftest import show_config, write_config
from tests.fixtures import feeds

DAY = date(2026, 11, 26)
NEXT_DAY = date(2026, 11, 27)
NORVIK = "https://techwire.example/2026/11/norvik-energy-opens-trondheim-gigafactory"
VELOMO = "https://techwire.example/2026/11/velomo-expands-e-bike-subscriptions?utm_source=newsletter"


def stories_of(config, day=DAY) -> StoriesArtifact:
    path = config.work_root / day.isoformat() / "stories.json"
    return StoriesArtifact.model_validate_json(path.read_text(encoding="utf-8"))



def test_the_samples_pick_the_story_most_sources_cover(quick_config):
    runner.run_day(quick_config, DAY, only="stories")
    artifact = stories_of(quick_config)
    assert [s.title.split()[0] for s in artifact.stories] == ["Norvik", "Larkspur"]
    norvik = artifact.stories[0]
    assert {a.source for a in norvik.also_reported_by} == {"FutureScope", "Circuit Daily"}
    assert norvik.score_components == {"coverage": 3.0, "recency": 0.5, "topics": 0.0}
    assert norvik.text_origin == "feed" and "not fetched for this source" in norvik.text_note
    assert [c.status for c in artifact.candidates[:3]] == ["picked", "picked", "runner-up"]
    assert len(artifact.candidates) == 18
    assert artifact.explanation[0].startswith("First: 'Norvik Energy opens")
    assert artifact.cutoff.isoformat() == "2026-11-26T06:20:00+01:00", "the newest item, in the show's timezone"


def test_remote_sources_get_full_text_from_their_article_pages(tmp_path, news):
    paragraph = ("The harbour authority will rebuild the north pier for 48 million euros, starting in March; fishing "
                 "crews get the first moorings and the promenade stays open during the works. ")
    page = f"<html><head><title>Pier</title></head><body><article><h1>Pier</h1>{'<p>' + paragraph + '</p>' * 1}" \
           f"<p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></article></body></html>"
    for name in ("herald", "metro"):
        news.serve(f"/{name}/pier", page, content_type="text/html; charset=utf-8")
    herald = feeds.rss(
        feeds.item("Harbour to rebuild north pier for 48 million euros", link=news.url("/herald/pier"),
                   text="The harbour will rebuild the north pier for 48 million euros."),
        feeds.item("Library extends opening hours", link=news.url("/herald/library"), text="Open until ten."),
    )
    metro = feeds.rss(
        feeds.item("North pier rebuild: 48 million euros, work from March", link=news.url("/metro/pier"),
                   text="The north pier will be rebuilt for 48 million euros from March, the harbour said."),
        feeds.item("Bus lanes for the ring road", link=news.url("/metro/bus"), text="Bus lanes open next summer."),
    )
    news.serve("/herald.xml", herald)
    news.serve("/metro.xml", metro)
    data = show_config(tmp_path, sources=[{"name": "Herald", "url": news.url("/herald.xml")},
                                          {"name": "Metro", "url": news.url("/metro.xml")}],
                       stories={"window_hours": None, "connect_timeout_seconds": 0.5, "full_text_clusters": 1})
    config = load_config(write_config(tmp_path, data))
    runner.run_day(config, DAY, only="stories")
    lead = stories_of(config).stories[0]
    assert "north pier" in lead.title.lower()
    assert lead.text_origin == "article" and "promenade stays open" in lead.text
    assert news.hits("/herald/pier") and news.hits("/metro/pier")
    assert not news.hits("/herald/library"), "only the leading candidates' pages are fetched"


def test_a_story_from_a_published_episode_is_not_repeated(quick_config):
    runner.run_day(quick_config, DAY)  # publishes Norvik and Larkspur
    runner.run_day(quick_config, NEXT_DAY, only="stories")
    artifact = stories_of(quick_config, NEXT_DAY)
    titles = [s.title.split()[0] for s in artifact.stories]
    assert "Norvik" not in titles and "Larkspur" not in titles
    assert titles[0] in ("Veltra", "Photonic")
    repeats = [c for c in artifact.candidates if c.status == "repeat"]
    assert {c.title.split()[0] for c in repeats} == {"Norvik", "Larkspur"}
    assert all(f"episode of {DAY}" in c.why for c in repeats)
    assert any(line.startswith("Passed over 'Norvik") for line in artifact.explanation)


def test_a_forced_rerun_of_the_same_day_may_keep_its_own_stories(quick_config):
    runner.run_day(quick_config, DAY)
    runner.run_day(quick_config, DAY, force=True, only="stories")
    assert [s.title.split()[0] for s in stories_of(quick_config).stories] == ["Norvik", "Larkspur"]


def test_fewer_than_two_stories_fails_before_any_writer_or_voice(tmp_path, tone_voices, news):
    news.serve("/one.xml", feeds.rss(feeds.item("The only story today", link="https://one.example/a")))
    data = show_config(tmp_path, hosts=tone_voices,
                       sources=[{"name": "Lonely Times", "url": news.url("/one.xml"), "fetch_articles": False},
                                {"name": "Gone Gazette", "url": news.url("/missing.xml")}],
                       stories={"window_hours": None, "retries": 0})
    config = load_config(write_config(tmp_path, data))
    with pytest.raises(SourceError) as raised:
        runner.run_day(config, DAY)
    message = str(raised.value)
    assert message.startswith("only 1 story can go in the show and it needs 2: 1 of 2 sources were readable")
    assert "source 'Gone Gazette': cannot fetch" in message and "HTTP 404" in message
    assert "Nothing was sent to a writer or a voice" in message
    workdir = config.work_root / DAY.isoformat()
    assert not (workdir / "stories.json").exists() and not (workdir / "script.json").exists()
    last = runner.history(config, DAY)[-1]
    assert [(s["stage"], s["status"]) for s in last["stages"]] == [("stories", "failed")], "nothing after stories ran"


# --- the command line ---------------------------------------------------------------------------------

@pytest.fixture
def tone_config_path(tmp_path, tone_voices):
    return write_config(tmp_path, show_config(tmp_path, hosts=tone_voices))


def test_stories_prints_a_table_with_components_and_why(tone_config_path, capsys):
    assert main(["--config", str(tone_config_path), "stories", "--date", DAY.isoformat()]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.strip().startswith("#"))
    assert all(word in header for word in ("status", "score", "cover", "recent", "topics", "src", "title"))
    first_row = next(line for line in out.splitlines() if line.strip().startswith("1 "))
    assert "picked" in first_row and "3.50" in first_row and "Norvik Energy" in first_row
    assert "Why these two:" in out and "Next best: 'Veltra" in out


def test_stories_json_is_the_artifact(tone_config_path, capsys):
    assert main(["--config", str(tone_config_path), "stories", "--date", DAY.isoformat(), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    config = load_config(tone_config_path)
    assert printed == json.loads((config.work_root / DAY.isoformat() / "stories.json").read_text())
    assert printed["candidates"][0]["score_components"]["coverage"] == 3.0


def test_run_with_exclude_and_pin(tone_config_path, capsys):
    args = ["--config", str(tone_config_path), "run", "--date", DAY.isoformat(),
            "--exclude", NORVIK, "--pin", VELOMO]
    assert main(args) == 0
    config = load_config(tone_config_path)
    artifact = stories_of(config)
    assert [s.title.split()[0] for s in artifact.stories] == ["Velomo", "Larkspur"]
    assert artifact.excluded == [NORVIK] and artifact.pinned == [VELOMO]
    index = json.loads((config.publish_dir / "episodes.json").read_text())
    assert [s["title"].split()[0] for s in index["episodes"][0]["stories"]] == ["Velomo", "Larkspur"]

    assert main(args) == 2, "a published day is not remade without --force"
    assert "add --force" in capsys.readouterr().err
    stories_args = ["--config", str(tone_config_path), "stories", "--date", DAY.isoformat(), "--pin", NORVIK]
    assert main(stories_args) == 2, "nor re-ranked under a published episode"
    assert stories_of(config).pinned == [VELOMO]


def test_a_pin_that_no_source_carries_is_a_clear_error(tone_config_path, capsys):
    args = ["--config", str(tone_config_path), "stories", "--date", DAY.isoformat(),
            "--pin", "https://elsewhere.example/not-in-any-feed"]
    assert main(args) == 1
    assert "--pin https://elsewhere.example/not-in-any-feed: no item of today's sources" in capsys.readouterr().err
