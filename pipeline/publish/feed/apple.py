"""A feedgen extension for the Apple podcast tags that feedgen 1.0 writes in an outdated form.

feedgen's podcast extension only accepts itunes:explicit as yes/no/clean, while Apple's spec (and
feedparser, which reads "no" as unknown) expects true/false. This extension writes the tag itself;
the podcast extension's own explicit field is left unset so the tag appears once.
"""

from __future__ import annotations

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from lxml import etree

from pipeline.publish.feed.podcastindex import insert_before_items

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"


def _explicit(parent, value: bool | None) -> None:
    """Adds the tag before the first <item>, where channel tags belong."""
    if value is None:
        return
    element = etree.Element(f"{{{ITUNES_NS}}}explicit")
    element.text = "true" if value else "false"
    insert_before_items(parent, [element])


class _Explicit:
    """itunes:explicit as true/false, on the channel or on one item."""

    def __init__(self) -> None:
        self._explicit: bool | None = None

    def extend_ns(self):
        return {"itunes": ITUNES_NS}

    def explicit(self, value: bool | None = None) -> bool | None:
        if value is not None:
            self._explicit = bool(value)
        return self._explicit


class AppleExtension(_Explicit, BaseExtension):
    def extend_rss(self, feed):
        _explicit(feed[0], self._explicit)  # feed[0] is <channel>
        return feed


class AppleEntryExtension(_Explicit, BaseEntryExtension):
    def extend_rss(self, item):
        _explicit(item, self._explicit)
        return item
