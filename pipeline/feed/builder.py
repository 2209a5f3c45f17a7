"""feed.xml from the published episode index.

The feed is a pure function of the config and the index: the same episodes give a byte-identical
feed (lastBuildDate is the newest episode's publication time, never "now").
"""

from __future__ import annotations

import html
from urllib.parse import urljoin

from feedgen.feed import FeedGenerator

from pipeline.config import Config
from pipeline.feed.apple import AppleEntryExtension, AppleExtension
from pipeline.models import Episode


def absolute_url(config: Config, relative: str) -> str:
    return urljoin(config.publish.base_url, relative)


def feed_url(config: Config) -> str:
    return absolute_url(config, "feed.xml")


def show_notes(episode: Episode) -> str:
    """HTML show notes: one paragraph per story with a link to its source. Web text is escaped."""
    paragraphs = []
    for story in episode.stories:
        title = html.escape(story.title, quote=False)
        source = html.escape(story.source, quote=False)
        if story.url:
            link = f'<a href="{html.escape(story.url, quote=True)}">{source}</a>'
        else:
            link = source
        paragraphs.append(f"<p>{title} (reported by {link}).</p>")
    paragraphs.append(f"<p>Written by {html.escape(episode.writer)} and voiced by AI.</p>")
    return "\n".join(paragraphs)


def build_feed(config: Config, episodes: list[Episode]) -> bytes:
    show = config.show
    episodes = sorted(episodes, key=lambda e: e.date, reverse=True)
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("apple", AppleExtension, AppleEntryExtension)
    fg.id(feed_url(config))
    fg.title(show.title)
    fg.description(show.description)
    fg.link(href=feed_url(config), rel="self")
    fg.link(href=show.link or config.publish.base_url, rel="alternate")  # the last link is RSS's <link>
    fg.language(show.language)
    fg.author({"name": show.author, **({"email": show.owner.email} if show.owner else {})})
    fg.generator("dailycast")
    fg.podcast.itunes_author(show.author)
    fg.podcast.itunes_summary(show.description)
    fg.podcast.itunes_category(show.category, show.subcategory)
    fg.apple.explicit(show.explicit)
    fg.podcast.itunes_type("episodic")
    if show.owner:
        fg.podcast.itunes_owner(name=show.owner.name, email=show.owner.email)
    if episodes:
        fg.lastBuildDate(episodes[0].published_at)
        fg.pubDate(episodes[0].published_at)

    for number, episode in enumerate(episodes):
        entry = fg.add_entry(order="append")
        entry.guid(episode.guid, permalink=False)
        entry.title(episode.title)
        entry.description(show_notes(episode))
        entry.enclosure(absolute_url(config, episode.audio_file), str(episode.audio_bytes), "audio/mpeg")
        entry.pubDate(episode.published_at)
        entry.podcast.itunes_duration(round(episode.seconds))
        entry.podcast.itunes_episode_type("full")
        entry.apple.explicit(show.explicit)
    return fg.rss_str(pretty=True)
