"""The offline writer, `extractive` in config: a conversation built from what the sources' sentences hold.

facts (what a sentence holds) -> questions (the turns around a fact) -> compose (a story as an
exchange) -> writer (the episode); speech makes print speakable, phrases picks the writer's own words.
"""

from pipeline.script.writers.offline.writer import ExtractiveWriter

__all__ = ["ExtractiveWriter"]
