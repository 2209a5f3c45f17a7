"""A feedgen extension for the Podcasting 2.0 namespace (podcastindex.org).

Which namespace URI. The spec's URI is https://podcastindex.org/namespace/1.0; Apple documents its
podcast:transcript support with that URI, and AntennaPod accepts it as well as the older GitHub form.
gPodder's podcastparser (0.6.11) maps only the GitHub form, and an element can have one URI only.
So the tags are written under `podcast:` with the official URI, and the few that gPodder reads from
the namespace (locked, transcript, chapters) are repeated under the `podcastgh:` prefix bound to the
GitHub URI. A parser that knows both URIs sees those repeated with identical values, which the spec
allows (several transcripts) or which carry the same URL (chapters, locked). feedparser keys unknown
namespaces by their prefix, so it reads `podcast_*`.

podcast:guid is the spec's UUIDv5 of the feed URL without its scheme and trailing slashes.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from lxml import etree

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
PODCAST_NS_GITHUB = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
CHAPTERS_TYPE = "application/json+chapters"


def podcast_guid(feed_url: str) -> str:
    """The spec's podcast:guid for a feed URL: `https://example.org/feed/` -> uuid5(NS, 'example.org/feed')."""
    bare = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(GUID_NAMESPACE, bare))


@dataclass(frozen=True)
class Person:
    name: str
    role: str = "host"
    group: str = "cast"
    href: str | None = None
    img: str | None = None


@dataclass(frozen=True)
class Link:
    url: str
    type: str
    language: str | None = None
    rel: str | None = None


def _element(tag: str, text: str | None = None, namespace: str = PODCAST_NS, **attributes: str | None):
    element = etree.Element(f"{{{namespace}}}{tag}")
    for key, value in attributes.items():
        if value is not None:
            element.set(key, value)
    if text is not None:
        element.text = text
    return element


def insert_before_items(parent, elements) -> None:
    """Channel tags belong before the first <item>; feedgen appends extension output after them."""
    items = [i for i, child in enumerate(parent) if child.tag == "item"]
    position = items[0] if items else len(parent)
    for offset, element in enumerate(elements):
        parent.insert(position + offset, element)


class PodcastIndexExtension(BaseExtension):
    def __init__(self) -> None:
        self._guid: str | None = None
        self._locked: tuple[bool, str | None] | None = None
        self._persons: list[Person] = []
        self._txt: list[tuple[str, str | None]] = []

    def extend_ns(self):
        return {"podcast": PODCAST_NS, "podcastgh": PODCAST_NS_GITHUB}

    def guid(self, value: str | None = None) -> str | None:
        if value is not None:
            self._guid = str(uuid.UUID(value))  # a malformed GUID fails here, not in a podcast app
        return self._guid

    def locked(self, value: bool, owner: str | None = None) -> None:
        self._locked = (bool(value), owner)

    def person(self, person: Person) -> None:
        self._persons.append(person)

    def txt(self, text: str, purpose: str | None = None) -> None:
        if len(text) > 4000 or (purpose is not None and len(purpose) > 128):
            raise ValueError("podcast:txt holds at most 4000 characters and a purpose of at most 128")
        self._txt.append((text, purpose))

    def extend_rss(self, feed):
        elements = []
        if self._guid:
            elements.append(_element("guid", self._guid))
        if self._locked is not None:
            value, owner = self._locked
            for namespace in (PODCAST_NS, PODCAST_NS_GITHUB):
                elements.append(_element("locked", "yes" if value else "no", namespace, owner=owner))
        for person in self._persons:
            elements.append(_element("person", person.name, role=person.role, group=person.group,
                                     href=person.href, img=person.img))
        for text, purpose in self._txt:
            elements.append(_element("txt", text, purpose=purpose))
        insert_before_items(feed[0], elements)
        return feed


class PodcastIndexEntryExtension(BaseEntryExtension):
    def __init__(self) -> None:
        self._transcripts: list[Link] = []
        self._chapters: Link | None = None

    def extend_ns(self):
        return {"podcast": PODCAST_NS, "podcastgh": PODCAST_NS_GITHUB}

    def transcript(self, url: str, type: str, language: str | None = None, rel: str | None = None) -> None:
        self._transcripts.append(Link(url, type, language, rel))

    def chapters(self, url: str, type: str = CHAPTERS_TYPE) -> None:
        self._chapters = Link(url, type)

    def extend_rss(self, item):
        for namespace in (PODCAST_NS, PODCAST_NS_GITHUB):
            for link in self._transcripts:
                item.append(_element("transcript", None, namespace, url=link.url, type=link.type,
                                     language=link.language, rel=link.rel))
            if self._chapters is not None:
                item.append(_element("chapters", None, namespace, url=self._chapters.url, type=self._chapters.type))
        return item
