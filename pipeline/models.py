"""The shapes of the artifacts the stages write to the day's work folder.

Every artifact is a plain JSON file a producer can open and edit; these models read them back and
reject an edit that breaks the shape, naming the field.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class Artifact(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Article(Artifact):
    """One item from one source, its text already stripped of HTML."""

    source: str
    title: str
    url: str | None = None
    published: datetime | None = None
    text: str
    text_origin: str = "feed"
    canonical_url: str | None = Field(default=None, description="Tracking-free form used to recognise repeats.")
    guid: str | None = None
    tags: list[str] = Field(default_factory=list)
    text_note: str | None = Field(default=None, description="Why the feed text was used instead of the page's.")


class Story(Artifact):
    """A story picked for the show: its lead article plus other outlets' coverage."""

    title: str
    source: str
    url: str | None = None
    published: datetime | None = None
    text: str
    also_reported_by: list[Article] = Field(default_factory=list)
    score: float = 0.0
    score_components: dict[str, float] = Field(default_factory=dict)
    canonical_url: str | None = None
    text_origin: str = "feed"
    text_note: str | None = None
    why: str = ""
    follow_up_of: str | None = Field(default=None, description="The earlier episode's story this one updates.")


class Candidate(Artifact):
    """A ranked cluster, kept in stories.json so the choice can be explained."""

    title: str
    sources: list[str]
    score: float
    score_components: dict[str, float]
    picked: bool = False
    rank: int = 0
    url: str | None = None
    status: str = Field(default="", description="picked | runner-up | repeat | excluded | too-close | ...")
    why: str = ""


class SkippedSource(Artifact):
    source: str
    reason: str


class StoriesArtifact(Artifact):
    date: date
    stories: list[Story]
    candidates: list[Candidate] = Field(default_factory=list)
    skipped_sources: list[SkippedSource] = Field(default_factory=list)
    cutoff: datetime | None = Field(default=None, description="The window's end: the day's scheduled start.")
    window_start: datetime | None = Field(default=None, description="cutoff - window_hours; both edges count.")
    window_hours: float | None = None
    explanation: list[str] = Field(default_factory=list, description="Why the top two won, in sentences.")
    pinned: list[str] = Field(default_factory=list)
    excluded: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class Line(Artifact):
    speaker: str
    text: str
    story: int | None = Field(
        default=None, description="Index into the day's stories, or null for the greeting and sign-off."
    )


class Script(Artifact):
    date: date
    title: str
    language: str
    writer: str
    model: str | None = Field(default=None, description="The language model that wrote it; null for the offline writer.")
    lines: list[Line]
    target_words: int
    attempts: list[dict] = Field(default_factory=list)
    usage: dict[str, int | float] = Field(
        default_factory=dict, description="LLM calls, tokens and estimated cost spent on this script."
    )


class VoicedLine(Artifact):
    index: int
    speaker: str
    file: str
    seconds: float
    voice: str = ""  # the voice that spoke it (Voice.describe)
    fallback: str = Field(default="", description="Why the host's fallback voice spoke this line, if it did.")


class VoiceManifest(Artifact):
    sample_rate: int
    voices: dict[str, str]
    lines: list[VoicedLine]
    synthesized: list[int] = Field(default_factory=list, description="Lines synthesized by this run (not cached).")
    synthesis_seconds: float | None = None


class TimedLine(Artifact):
    index: int
    speaker: str
    story: int | None
    start: float
    end: float


class MixedEpisode(Artifact):
    """episode.json: facts about work/<date>/episode.mp3 that publish needs."""

    file: str
    seconds: float
    bytes: int
    sample_rate: int
    bitrate: str
    timeline: list[TimedLine]
    channels: int = 1
    loudness_lufs: float | None = Field(default=None, description="Integrated loudness of the MP3 (ebur128).")
    true_peak_dbtp: float | None = None


class PublishedSource(Artifact):
    """Another outlet's article on a story, which the hosts drew on too."""

    source: str
    title: str
    url: str | None = None


class PublishedStory(Artifact):
    title: str
    source: str
    url: str | None = None
    also_reported_by: list[PublishedSource] = Field(
        default_factory=list, description="The other outlets' articles the script was written from."
    )


class Attachment(Artifact):
    """A file published beside an episode's audio: a transcript or the chapters."""

    file: str
    type: str
    bytes: int


class Episode(Artifact):
    """One entry of the published index (feeds/episodes.json): what the feed is built from.

    Fields added after the first release have defaults, so an older index still reads.
    """

    date: date
    guid: str
    title: str
    audio_file: str
    audio_bytes: int
    seconds: float
    published_at: datetime
    stories: list[PublishedStory]
    writer: str
    credit: str = Field(default="", description="How the episode was made, in plain words (credit_line).")
    voices: dict[str, str] = Field(default_factory=dict)
    number: int | None = Field(default=None, description="itunes:episode: given once, at first publication.")
    transcripts: list[Attachment] = Field(default_factory=list)
    chapters: Attachment | None = None


class EpisodeIndex(Artifact):
    episodes: list[Episode] = Field(default_factory=list)
    cover_file: str | None = None
    site_files: dict[str, str] = Field(
        default_factory=dict,
        description="The web site's files (pages, stylesheet, script, small cover), each with the digest of what "
                    "it was made from: a page is rendered again only when that changes.",
    )


def credit_line(script: Script, stories: list[Story], hosts: list[str]) -> str:
    """How the episode was made, for listeners (show notes, the MP3's comment): that it is AI-generated,
    who or what wrote it, from which outlets, and that the voices are synthetic. No internal names."""
    outlets = list(dict.fromkeys(name for s in stories for name in [s.source, *(a.source for a in s.also_reported_by)]))
    spoken = " ".join(line.text for line in script.lines)
    named = [outlet for outlet in outlets if outlet in spoken] or outlets
    voices = f"{' and '.join(hosts)} are synthetic voices"
    if script.model:
        return (f"This episode is AI-generated: the language model {script.model} wrote the script from "
                f"reporting by {_listed(outlets)}, and {voices}.")
    return (f"This episode is AI-generated: {voices}. They read and discuss quoted reporting from "
            f"{_listed(named)}; no language model wrote the script.")


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
