"""The show's web site: index.html and one page per episode, made at publish from the published index.

A page is a pure function of the site folder (templates, stylesheet, script, words), the code in this
package, the config and the index, plus the transcript and chapters its episode names. Each page's
digest of those inputs is kept in the index (`site_files`); a publish renders and uploads only the
pages whose digest changed or that the target lacks: the new episode's, its neighbours' (their
Newer/Older links), index.html, and every page after a change to the templates. An older episode's
VTT and chapters are read back from the target only then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable

from pipeline import artifacts
from pipeline.config import Config
from pipeline.models import Attachment, Episode, EpisodeIndex
from pipeline.publish import site
from pipeline.publish.pages import views
from pipeline.publish.pages.render import WEB_COVER_PX, SiteFolder, web_cover
from pipeline.publish.pages.transcript import parse_chapters, parse_vtt
from pipeline.publish.targets import PublishError, Upload

Fetch = Callable[[str], "bytes | None"]


@dataclass
class SitePlan:
    files: list[Upload] = field(default_factory=list)  # content-hashed: stylesheet, script, small cover
    pages: list[Upload] = field(default_factory=list)  # in upload order: new episodes, changed ones, index.html
    digests: dict[str, str] = field(default_factory=dict)  # every site file: EpisodeIndex.site_files


def plan_site(config: Config, episodes: list[Episode], previous: EpisodeIndex, cover: Upload, present: set[str],
              attachments: dict[str, bytes], fetch: Fetch, log: logging.Logger) -> SitePlan:
    """The site for `episodes` (newest first). `present`: the names on the target now; `attachments`:
    this publish's new files by name (read from memory, not the target); `fetch` reads the target."""
    folder = SiteFolder(config.site_root, config.show.language)
    strings = folder.strings
    plan = SitePlan()
    for upload in folder.assets.values():
        plan.files.append(upload)
        plan.digests[upload.name] = upload.name
    covers = views.Covers(full=cover.name, web=_web_cover(previous, cover, present, plan))

    old = previous.site_files
    known = {episode.date for episode in previous.episodes}
    new_pages, changed_pages = [], []
    for number, episode in enumerate(episodes):
        newer = episodes[number - 1] if number > 0 else None
        older = episodes[number + 1] if number + 1 < len(episodes) else None
        context = views.episode_context(config, strings, episode, newer, older, covers)
        name = artifacts.episode_page(episode.date)
        digest = folder.digest(context)
        if old.get(name) == digest and name in present:
            plan.digests[name] = digest
            continue
        chapters, cues, complete = _timed(episode, attachments, fetch, log)
        audio = episode.audio_file
        body = folder.render("episode.html", {**context, "chapters": views.timed(chapters, audio),
                                              "cues": views.timed(cues, audio)}, root="../")
        plan.digests[name] = digest if complete else ""  # a page missing a part is made again next time
        (changed_pages if episode.date in known else new_pages).append(site.upload(name, body))

    context = views.index_context(config, strings, episodes, covers)
    digest = folder.digest(context)
    plan.digests[artifacts.INDEX_PAGE] = digest
    plan.pages = new_pages + changed_pages
    if old.get(artifacts.INDEX_PAGE) != digest or artifacts.INDEX_PAGE not in present:
        plan.pages.append(site.upload(artifacts.INDEX_PAGE, folder.render("index.html", context)))
    return plan


def _web_cover(previous: EpisodeIndex, cover: Upload, present: set[str], plan: SitePlan) -> str | None:
    """The small cover's name: the one made from this cover last time, or a new one (None: use the full cover)."""
    stem = f"cover-{WEB_COVER_PX}-"
    made = next((name for name, source in previous.site_files.items()
                 if name.startswith(stem) and source == cover.name and name in present), None)
    if made is None:
        upload = web_cover(cover)
        if upload is None:
            return None
        plan.files.append(upload)
        made = upload.name
    plan.digests[made] = cover.name
    return made


def _timed(episode: Episode, attachments: dict[str, bytes], fetch: Fetch, log: logging.Logger):
    """(chapters, cues, complete) of an episode from the files it names; a part that cannot be read is
    left out with a warning naming it, and `complete` is False."""
    complete = True

    def read(attachment: Attachment, parse):
        nonlocal complete
        try:
            data = attachments.get(attachment.file)
            if data is None:
                data = fetch(attachment.file)
            if data is None:
                raise ValueError("not on the target")
            return parse(data)
        except (ValueError, PublishError) as exc:
            log.warning("episode page %s: %s: %s; the page leaves it out", artifacts.episode_page(episode.date),
                        attachment.file, exc)
            complete = False
            return []

    chapters = read(episode.chapters, lambda data: parse_chapters(data, episode.seconds)) if episode.chapters else []
    vtt = next((t for t in reversed(episode.transcripts) if t.type == "text/vtt"), None)
    cues = read(vtt, lambda data: parse_vtt(data.decode("utf-8-sig"))) if vtt else []
    return chapters, cues, complete


__all__ = ["SitePlan", "plan_site"]
