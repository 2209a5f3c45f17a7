"""feed.xml from the published episode index.

The feed is a pure function of the config and the index: the same episodes give a byte-identical
feed (lastBuildDate is the newest episode's publication time, never "now").
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

from feedgen.feed import FeedGenerator

from pipeline import artifacts, urls
from pipeline.config import Config
from pipeline.models import Episode
from pipeline.publish.feed.apple import AppleEntryExtension, AppleExtension
from pipeline.publish.feed.podcastindex import Person, PodcastIndexEntryExtension, PodcastIndexExtension, podcast_guid

AI_DISCLOSURE = "This show is written and voiced by AI: {hosts} are synthetic voices, not people."


def absolute_url(config: Config, relative: str) -> str:
    return urljoin(config.publish.base_url, relative)


def feed_url(config: Config) -> str:
    return absolute_url(config, artifacts.FEED)


def home_url(config: Config) -> str:
    """The show's web page: `show.link`, else the published index.html (named in full: a bucket's
    public URL does not serve index.html at its root)."""
    return config.show.link or absolute_url(config, artifacts.INDEX_PAGE)


# Characters XML 1.0 cannot carry at all (lxml refuses them): control codes, lone surrogates, U+FFFE/F.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Web text made storable in XML; escaping itself is lxml's job."""
    return _NOT_XML.sub("", text)


def show_notes(episode: Episode) -> str:
    """HTML show notes: one paragraph per story with a link to its source. Web text is escaped."""
    paragraphs = []
    for story in episode.stories:
        title = html.escape(xml_text(story.title), quote=False)
        source = html.escape(xml_text(story.source), quote=False)
        if urls.is_http(story.url):  # never javascript: or data:
            link = f'<a href="{html.escape(xml_text(story.url), quote=True)}">{source}</a>'
        else:
            link = source
        paragraphs.append(f"<p>{title} (reported by {link}).</p>")
    credit = episode.credit or "This episode is AI-generated: written and voiced by AI from the reporting above."
    paragraphs.append(f"<p>{html.escape(xml_text(credit), quote=False)}</p>")
    return "\n".join(paragraphs)


def build_feed(config: Config, episodes: list[Episode], cover_file: str | None = None) -> bytes:
    """The feed for these episodes, newest first; `cover_file` is the published cover, relative to base_url."""
    show = config.show
    episodes = sorted(episodes, key=lambda e: e.date, reverse=True)
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("apple", AppleExtension, AppleEntryExtension)
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)
    fg.id(feed_url(config))
    fg.title(show.title)
    fg.description(show.description)
    fg.link(href=feed_url(config), rel="self", type="application/rss+xml")
    fg.link(href=home_url(config), rel="alternate")  # the last link is RSS's <link>
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
    if cover_file:
        cover_url = absolute_url(config, cover_file)
        fg.podcast.itunes_image(cover_url)  # feedgen keeps it only if the URL ends in .jpg/.png
        fg.image(url=cover_url, title=show.title, link=home_url(config))
    hosts = [host.name for host in config.hosts]
    fg.podcastindex.guid(show.podcast_guid or podcast_guid(feed_url(config)))
    fg.podcastindex.locked(show.locked, owner=show.owner.email if show.owner else None)
    for name in hosts:
        fg.podcastindex.person(Person(name=name, role="host"))
    fg.podcastindex.txt(AI_DISCLOSURE.format(hosts=" and ".join(hosts)), purpose="ai-content")
    if episodes:
        fg.lastBuildDate(episodes[0].published_at)
        fg.pubDate(episodes[0].published_at)

    for number, episode in enumerate(episodes):
        entry = fg.add_entry(order="append")
        entry.guid(episode.guid, permalink=False)
        entry.title(xml_text(episode.title))
        entry.link(href=absolute_url(config, artifacts.episode_page(episode.date)))  # its web page
        notes = show_notes(episode)
        entry.description(notes)
        entry.content(notes, type="CDATA")  # content:encoded, where Apple looks for HTML show notes
        entry.enclosure(absolute_url(config, episode.audio_file), str(episode.audio_bytes), "audio/mpeg")
        entry.pubDate(episode.published_at)
        entry.podcast.itunes_duration(round(episode.seconds))
        entry.podcast.itunes_episode_type("full")
        if episode.number is not None:
            entry.podcast.itunes_episode(episode.number)
        entry.apple.explicit(show.explicit)
        for transcript in episode.transcripts:
            entry.podcastindex.transcript(absolute_url(config, transcript.file), transcript.type, language=show.language)
        if episode.chapters is not None:
            entry.podcastindex.chapters(absolute_url(config, episode.chapters.file), episode.chapters.type)
    return fg.rss_str(pretty=True)
