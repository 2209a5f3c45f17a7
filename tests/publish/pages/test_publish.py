"""The pages in a real publish: written with the episode, linked from the feed, retired with it."""

from __future__ import annotations

import json
import shutil
from datetime import date

import feedparser

from pipeline import runner
from pipeline.publish import stage as publish
from pipeline.publish.pages.transcript import parse_chapters, parse_vtt
from pipeline.publish.targets.local import LocalTarget
from tests.conftest import REPO
from tests.publish.pages.markup import Page

DAY_ONE, DAY_TWO, DAY_THREE = date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)


def test_a_publish_writes_the_pages_the_feed_links_to(quick_config):
    runner.run_day(quick_config, DAY_ONE)
    site = quick_config.publish_dir
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert parsed.feed.link == "http://localhost:8000/index.html"
    [item] = parsed.entries
    assert item.link == f"http://localhost:8000/episodes/{DAY_ONE}.html"
    for url in (parsed.feed.link, item.link):
        assert (site / url.removeprefix("http://localhost:8000/")).is_file()

    work = quick_config.workdir(DAY_ONE)
    [episode] = publish.load_index(quick_config).episodes
    page = Page((site / f"episodes/{DAY_ONE}.html").read_bytes())
    cues = parse_vtt((work / "transcript.vtt").read_text(encoding="utf-8"))
    assert len(page.all("li", class_="cue")) == len(cues) > 10  # every line the hosts spoke
    assert [page.text(page.inside(li, "span", class_="speaker")[0]) for li in page.all("li", class_="cue")] == \
        [cue.speaker for cue in cues]
    chapters = parse_chapters((work / "chapters.json").read_bytes(), episode.seconds)
    labels = page.inside(page.one("nav", class_="chapters"), "span", class_="label")
    assert [page.text(label) for label in labels] == [c.title for c in chapters] and len(chapters) >= 3
    stories = json.loads((work / "stories.json").read_text())["stories"]
    linked = {a["attrs"]["href"] for a in page.all("a", rel="noopener noreferrer")}
    used = {s["url"] for s in stories} | {a["url"] for s in stories for a in s["also_reported_by"]
                                          if a["source"] != s["source"]}
    assert linked == used and len(used) > 2  # every source the hosts drew on, not only the leads
    src = page.one("source")["attrs"]["src"]
    assert (site / "episodes" / src).resolve() == (site / episode.audio_file).resolve()
    for link in page.all("link", rel="stylesheet") + page.all("script") + page.all("img"):
        relative = link["attrs"].get("href") or link["attrs"]["src"]
        assert (site / "episodes" / relative).resolve().is_file(), relative


def test_the_next_day_rewrites_only_its_page_its_neighbour_and_the_index(quick_config, monkeypatch):
    runner.run_day(quick_config, DAY_ONE)
    written: list[str] = []
    real_put = LocalTarget.put

    def put(self, upload):
        written.append(upload.name)
        real_put(self, upload)

    monkeypatch.setattr(LocalTarget, "put", put)
    runner.run_day(quick_config, DAY_TWO)
    pages = [name for name in written if name.endswith(".html")]
    assert pages == [f"episodes/{DAY_TWO}.html", f"episodes/{DAY_ONE}.html", "index.html"]
    assert written.index("index.html") < written.index("episodes.json") < written.index("feed.xml") == len(written) - 1
    assert not [name for name in written if name.startswith("site-")]  # already there, content-hashed
    older = Page((quick_config.publish_dir / f"episodes/{DAY_ONE}.html").read_bytes())
    assert older.one("a", rel="next")["attrs"]["href"] == f"../episodes/{DAY_TWO}.html"


def test_retention_removes_an_episodes_page_with_it(quick_config):
    quick_config.publish.retention = 2
    for day in (DAY_ONE, DAY_TWO, DAY_THREE):
        runner.run_day(quick_config, day)
    site = quick_config.publish_dir
    assert not (site / f"episodes/{DAY_ONE}.html").exists()
    kept = Page((site / f"episodes/{DAY_TWO}.html").read_bytes())
    assert not kept.all("a", rel="prev")  # no link to the page that went
    index = Page((site / "index.html").read_bytes())
    assert f"episodes/{DAY_ONE}.html" not in [a["attrs"].get("href") for a in index.all("a")]
    published = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert set(published) == publish.referenced(publish.load_index(quick_config)) | {"feed.xml", "episodes.json"}


def test_a_new_stylesheet_replaces_the_old_one_on_every_page(quick_config, tmp_path):
    runner.run_day(quick_config, DAY_ONE)
    old_css = next(n for n in publish.load_index(quick_config).site_files if n.endswith(".css"))
    folder = tmp_path / "site"
    shutil.copytree(REPO / "site", folder)
    (folder / "site.css").write_text((folder / "site.css").read_text() + "\n.new { color: red; }\n")
    quick_config.site_dir = folder
    runner.run_day(quick_config, DAY_TWO)
    site = quick_config.publish_dir
    new_css = next(n for n in publish.load_index(quick_config).site_files if n.endswith(".css"))
    assert new_css != old_css and not (site / old_css).exists() and (site / new_css).exists()
    for page in ("index.html", f"episodes/{DAY_ONE}.html", f"episodes/{DAY_TWO}.html"):
        assert f"{new_css}".encode() in (site / page).read_bytes(), page


def test_an_index_from_before_the_pages_gets_a_page_for_every_episode(quick_config):
    runner.run_day(quick_config, DAY_ONE)
    site = quick_config.publish_dir
    raw = json.loads((site / "episodes.json").read_text())
    raw.pop("site_files")
    for episode in raw["episodes"]:
        for story in episode["stories"]:
            story.pop("also_reported_by")
    (site / "episodes.json").write_text(json.dumps(raw))
    for page in site.rglob("*.html"):
        page.unlink()
    runner.run_day(quick_config, DAY_TWO)
    assert (site / f"episodes/{DAY_ONE}.html").is_file() and (site / f"episodes/{DAY_TWO}.html").is_file()
    older = Page((site / f"episodes/{DAY_ONE}.html").read_bytes())
    assert len(older.all("li", class_="cue")) > 10  # its transcript read back from the published folder
