"""The names of the files the stages hand each other, in the day's work folder and on the published site.

One table, imported by every stage from below: a stage learns where the stage before it wrote its
artifact here, never by importing that stage.
"""

from __future__ import annotations

from datetime import date

# The day's work folder (work/<YYYY-MM-DD>/), in the order the stages write them.
STORIES = "stories.json"  # stories: the two picked stories and why
SCRIPT = "script.json"  # script: the dialogue as written and checked
SCRIPT_MD = "script.md"  # script: the same dialogue for a producer to read and edit
LINES = "lines"  # voice: one WAV per line
VOICE = f"{LINES}/manifest.json"  # voice: which WAV is which line, by which voice
EPISODE = "episode.json"  # mix: the episode's timings, loudness and tags
EPISODE_AUDIO = "episode.mp3"
REJECTED_AUDIO = "episode.rejected.mp3"  # mix: an episode the QA gate stopped, kept to listen to
CHAPTERS = "chapters.json"
TRANSCRIPT_VTT = "transcript.vtt"
TRANSCRIPT_SRT = "transcript.srt"
QA_REPORT = "qa.json"
PUBLISHED = "published.json"  # publish: the episode as the feed lists it

# The published site (publish.dir, or the bucket).
FEED = "feed.xml"
INDEX = "episodes.json"  # every published episode, newest first: what the feed is rebuilt from
EPISODES_FOLDER = "episodes"  # the audio and its side files, content-hashed names
INDEX_PAGE = "index.html"  # the show's web page: the feed's channel <link>


def episode_page(day: date) -> str:
    """An episode's web page (the feed item's <link>): named by its date, like its GUID, so shares keep working."""
    return f"{EPISODES_FOLDER}/{day.isoformat()}.html"
