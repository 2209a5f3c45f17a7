"""Which pages a publish renders: only those whose inputs changed or that the target lacks."""

from __future__ import annotations

import logging
import shutil
from datetime import timedelta

from pipeline.models import EpisodeIndex
from tests.conftest import REPO
from tests.publish.pages.markup import Page
from tests.publish.pages.test_render import DAY, episode, files_of, render


class Target:
    """What plan_site reads from a target: its file names and `get`, counted."""

    def __init__(self, files: dict[str, bytes]):
        self.files = dict(files)
        self.fetched: list[str] = []

    def get(self, name: str) -> bytes | None:
        self.fetched.append(name)
        return self.files.get(name)

    def publish(self, plan, episodes) -> EpisodeIndex:
        for upload in plan.files + plan.pages:
            self.files[upload.name] = upload.source
        return EpisodeIndex(episodes=episodes, site_files=plan.digests)


def read_back(episodes) -> list[str]:
    """What a page needs from its episode's files: the chapters and the VTT (not the SRT)."""
    return sorted(name for name in files_of(episodes) if not name.endswith(".srt"))


def days(*offsets):
    return [episode(DAY + timedelta(days=n), number=n + 1) for n in sorted(offsets, reverse=True)]


def test_nothing_changed_renders_nothing_and_reads_nothing(config):
    episodes = days(0, 1)
    target = Target(files_of(episodes))
    index = target.publish(render(config, episodes, fetch=target.get), episodes)
    assert sorted(target.fetched) == read_back(episodes)  # the first time: every page
    target.fetched.clear()
    again = render(config, episodes, previous=index, present=target.files, fetch=target.get)
    assert again.pages == [] and target.fetched == []
    assert again.digests == index.site_files


def test_a_new_episode_renders_its_page_its_older_neighbour_and_the_index(config):
    episodes = days(0, 1)
    target = Target(files_of(days(0, 1, 2)))
    index = target.publish(render(config, episodes, fetch=target.get), episodes)
    target.fetched.clear()
    newer = days(0, 1, 2)
    plan = render(config, newer, previous=index, present=target.files, fetch=target.get, new_files=files_of(days(2)))
    assert [u.name for u in plan.pages] == [f"episodes/{DAY + timedelta(days=2)}.html",  # the new page first
                                            f"episodes/{DAY + timedelta(days=1)}.html",  # its Newer link
                                            "index.html"]
    assert sorted(target.fetched) == read_back(days(1))  # the neighbour's only: the new ones are in memory
    neighbour = Page(plan.pages[1].source)
    assert neighbour.one("a", rel="next")["attrs"]["href"] == f"../episodes/{DAY + timedelta(days=2)}.html"
    assert len(neighbour.all("li", class_="cue")) == 4  # still whole, from the attachments read back


def test_a_changed_site_folder_renders_every_page_again(config, tmp_path):
    episodes = days(0, 1)
    target = Target(files_of(episodes))
    index = target.publish(render(config, episodes, fetch=target.get), episodes)
    folder = tmp_path / "site"
    shutil.copytree(REPO / "site", folder)
    (folder / "site.css").write_text((folder / "site.css").read_text() + "\n.new { color: red; }\n")
    config.site_dir = folder
    plan = render(config, episodes, previous=index, present=target.files, fetch=target.get)
    assert sorted(u.name for u in plan.pages) == sorted(["index.html"] + [f"episodes/{e.date}.html" for e in episodes])
    [css] = [u for u in plan.files if u.name.endswith(".css")]
    assert css.name not in index.site_files and all(css.name.encode() in u.source for u in plan.pages)


def test_a_page_missing_from_the_target_is_made_again(config):
    episodes = days(0, 1)
    target = Target(files_of(episodes))
    index = target.publish(render(config, episodes, fetch=target.get), episodes)
    del target.files[f"episodes/{DAY}.html"]
    plan = render(config, episodes, previous=index, present=target.files, fetch=target.get)
    assert [u.name for u in plan.pages] == [f"episodes/{DAY}.html"]


def test_an_unreadable_attachment_is_left_out_named_and_tried_again_next_time(config, caplog):
    episodes = days(0)
    [e] = episodes
    stored = files_of(episodes)
    stored[e.transcripts[1].file] = b"not a vtt"
    del stored[e.chapters.file]
    target = Target(stored)
    with caplog.at_level(logging.WARNING, logger="dailycast"):
        plan = render(config, episodes, fetch=target.get)
    page = Page(plan.pages[0].source)
    assert page.one("audio", id="player") and not page.all("li", class_="cue") and not page.all("nav", class_="chapters")
    assert f"{e.transcripts[1].file}: not WebVTT" in caplog.text
    assert f"{e.chapters.file}: not on the target" in caplog.text
    index = target.publish(plan, episodes)
    assert index.site_files[f"episodes/{DAY}.html"] == ""
    target.files.update(files_of(episodes))  # repaired
    again = render(config, episodes, previous=index, present=target.files, fetch=target.get)
    assert [u.name for u in again.pages] == [f"episodes/{DAY}.html"]
    assert len(Page(again.pages[0].source).all("li", class_="cue")) == 4
