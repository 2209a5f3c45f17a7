"""What the site's templates read: plain dicts made from the config, the published index and the attachments.

Listener-facing only: no writer, voice or provider names reach a page. Every text from the web (titles,
source names, speakers, cue text) passes through `plain` here and is escaped by the templates; every
link from the web through `safe_link`. The same dicts are hashed to decide whether a page changed
(render.digest), so they hold exactly what a page shows and nothing that varies from run to run.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urljoin

from pipeline import artifacts
from pipeline.config import Config
from pipeline.models import Episode, PublishedStory
from pipeline.publish.pages.transcript import Chapter, Cue, plain, safe_link

INDEX_EPISODES = 20  # with their stories on the index page; earlier ones are listed by title


@dataclass(frozen=True)
class Covers:
    full: str | None  # the feed's cover (3000 px), for og:image
    web: str | None  # a small copy for <img> and the icon; the full one when there is none


def clock(seconds: float) -> str:
    """0:07, 4:12, 1:02:03: what a player shows."""
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def iso_duration(seconds: float) -> str:
    """PT4M12S, for a <time> holding a duration."""
    hours, rest = divmod(max(0, int(seconds)), 3600)  # whole seconds, as the clock beside it shows
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{secs}S"


def seconds_attr(value: float) -> str:
    """A time for data-start and #t=: at most three decimals, no trailing zeros."""
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def subscribe_links(feed_url: str, title: str, strings: dict) -> list[dict]:
    """The "open in" links. Apple's own show URL is only known once Apple lists the show, so `pcast:`;
    Pocket Casts takes the feed without its scheme after `subscribe/`, unencoded; AntennaPod's https
    deep link and Overcast's `add?url=` take the whole URL encoded (Overcast fails on https-only feeds
    without the scheme); `podcast:` goes to whatever app registered it."""
    bare = feed_url.split("://", 1)[1]
    encoded = quote(feed_url, safe="")
    return [
        {"app": "Apple Podcasts", "href": f"pcast://{bare}", "platforms": "iPhone, iPad, Mac"},
        {"app": "Pocket Casts", "href": f"pktc://subscribe/{bare}", "platforms": "Android, iPhone"},
        {"app": "AntennaPod", "platforms": "Android",
         "href": f"https://antennapod.org/deeplink/subscribe?url={encoded}&title={quote(title, safe='')}"},
        {"app": "Overcast", "href": f"overcast://x-callback-url/add?url={encoded}", "platforms": "iPhone, iPad"},
        {"app": strings["other_apps"], "href": f"podcast://{bare}", "platforms": "podcast://"},
    ]


def show_view(config: Config, strings: dict, covers: Covers) -> dict:
    show = config.show
    first, second = (plain(host.name) for host in config.hosts)
    hosts = strings["hosts"].format(first=first, second=second)
    return {
        "title": show.title,
        "description": show.description,
        "author": show.author,
        "hosts_phrase": hosts,
        "ai_disclosure": strings["ai_disclosure"].format(hosts=hosts),
        "cover": covers.web or covers.full,
        "cover_alt": strings["cover_alt"].format(title=show.title),
        "cover_url": urljoin(config.publish.base_url, covers.full) if covers.full else None,
        "feed_url": urljoin(config.publish.base_url, artifacts.FEED),
        "index_url": urljoin(config.publish.base_url, artifacts.INDEX_PAGE),
    }


def story_view(story: PublishedStory) -> dict:
    """A story and every source the hosts used, the lead first."""
    sources = [{"name": plain(story.source), "title": plain(story.title), "url": safe_link(story.url)}]
    sources += [{"name": plain(other.source), "title": plain(other.title), "url": safe_link(other.url)}
                for other in story.also_reported_by]
    return {"title": plain(story.title), "sources": sources}


def date_label(episode: Episode, strings: dict) -> str:
    day = episode.date
    return strings["date"].format(weekday=strings["weekdays"][day.weekday()], month=strings["months"][day.month - 1],
                                  day=day.day, year=day.year)


def episode_view(config: Config, episode: Episode, strings: dict) -> dict:
    page = artifacts.episode_page(episode.date)
    labels = {"text/vtt": "WebVTT", "application/x-subrip": "SRT"}
    return {
        "number": episode.number,
        "title": plain(episode.title),
        "date": episode.date.isoformat(),
        "date_label": date_label(episode, strings),
        "published_at": episode.published_at.isoformat(),
        "duration": clock(episode.seconds),
        "duration_iso": iso_duration(episode.seconds),
        "page": page,
        "url": urljoin(config.publish.base_url, page),
        "audio": episode.audio_file,
        "audio_url": urljoin(config.publish.base_url, episode.audio_file),
        "audio_mb": f"{episode.audio_bytes / 1_048_576:.1f}",
        "stories": [story_view(story) for story in episode.stories],
        "transcripts": [{"href": t.file, "type": t.type, "label": labels.get(t.type, t.type)}
                        for t in episode.transcripts],
    }


def index_context(config: Config, strings: dict, episodes: list[Episode], covers: Covers) -> dict:
    show = show_view(config, strings, covers)
    views = [episode_view(config, episode, strings) for episode in episodes]  # newest first
    return {
        "show": show,
        "subscribe": subscribe_links(show["feed_url"], show["title"], strings),
        "episodes": views[:INDEX_EPISODES],
        "earlier": [{key: view[key] for key in ("page", "title", "date_label", "published_at")}
                    for view in views[INDEX_EPISODES:]],
        "page": {"title": show["title"], "description": show["description"], "url": show["index_url"],
                 "og_type": "website", "image": show["cover_url"], "audio": None, "published_time": None},
    }


def episode_context(config: Config, strings: dict, episode: Episode, newer: Episode | None, older: Episode | None,
                    covers: Covers) -> dict:
    """An episode page's context, without its chapters and cues (those come from the attachments it names)."""
    show = show_view(config, strings, covers)
    view = episode_view(config, episode, strings)
    return {
        "show": show,
        "episode": view,
        "newer": {"page": artifacts.episode_page(newer.date)} if newer else None,
        "older": {"page": artifacts.episode_page(older.date)} if older else None,
        "page": {"title": f"{view['title']} · {show['title']}",
                 "description": " · ".join(story["title"] for story in view["stories"]) or show["description"],
                 "url": view["url"], "og_type": "article", "image": show["cover_url"], "audio": view["audio_url"],
                 "published_time": view["published_at"]},
    }


def timed(items: list[Chapter] | list[Cue], audio: str) -> list[dict]:
    """Chapters or cues as the template prints them: a clock, data-start/end, and a media-fragment
    link to the MP3 at that time for browsers without the script."""
    rows = []
    for item in items:
        start = seconds_attr(item.start)
        row = {"start": start, "end": seconds_attr(item.end), "clock": clock(item.start), "href": f"{audio}#t={start}"}
        if isinstance(item, Chapter):
            row.update(title=item.title, url=item.url)
        else:
            row.update(speaker=item.speaker, text=item.text)
        rows.append(row)
    return rows
