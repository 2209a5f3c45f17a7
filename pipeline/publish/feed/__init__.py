"""The podcast feed: built with feedgen from the published episode index, never edited in place."""

from pipeline.publish.feed.builder import build_feed

__all__ = ["build_feed"]
