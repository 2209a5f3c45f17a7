"""Chapters and transcripts from a timeline: formats, and web text made safe."""

import json

from pipeline.mix import chapters, transcripts
from pipeline.models import Story, TimedLine

STORIES = [
    Story(title="Chips <b>&</b> batteries\nrise", source="A", url="https://example.org/a?x=1&y=2", text="t"),
    Story(title="Second story", source="B", url="javascript:alert(1)", text="t"),
]
TIMELINE = [
    TimedLine(index=1, speaker="Oliver", story=None, start=2.5, end=6.0),
    TimedLine(index=2, speaker="Shelby", story=0, start=7.0, end=20.0),
    TimedLine(index=3, speaker="Oliver", story=1, start=21.0, end=40.0),
    TimedLine(index=4, speaker="Shelby", story=None, start=41.0, end=44.0),
]


def test_chapters_follow_the_timeline():
    built = chapters.build(TIMELINE, STORIES, 50.0, outro_at=44.8)
    assert [(c.start, c.end, c.title) for c in built] == [
        (0.0, 7.0, "Intro"), (7.0, 21.0, "Chips <b>&</b> batteries rise"), (21.0, 41.0, "Second story"),
        (41.0, 50.0, "Outro")]
    assert built[1].url == "https://example.org/a?x=1&y=2"
    assert built[2].url is None  # only http(s) links


def test_without_a_sign_off_the_outro_starts_with_the_music():
    built = chapters.build(TIMELINE[:3], STORIES, 50.0, outro_at=41.0)
    assert built[-1].title == "Outro" and built[-1].start == 41.0


def test_chapters_json_is_podcasting_2_0():
    data = json.loads(chapters.to_json(chapters.build(TIMELINE, STORIES, 50.0)))
    assert data["version"] == "1.2.0"
    assert data["chapters"][1] == {"startTime": 7.0, "title": "Chips <b>&</b> batteries rise",
                                   "url": "https://example.org/a?x=1&y=2"}
    assert "url" not in data["chapters"][0]


def test_vtt_escapes_text_and_tags_voices():
    cues = [transcripts.Cue(3723.5, 3725.25, "Oliver", "Prices <up> & away -->\nnext")]
    vtt = transcripts.to_vtt(cues)
    assert vtt == "WEBVTT\n\n1\n01:02:03.500 --> 01:02:05.250\n<v Oliver>Prices &lt;up&gt; &amp; away --&gt; next</v>\n"


def test_srt_names_the_speaker():
    srt = transcripts.to_srt([transcripts.Cue(1.0, 2.5, "Shelby", "Hello --> there\n\nfriend")])
    assert srt == "1\n00:00:01,000 --> 00:00:02,500\nShelby: Hello -> there friend\n"
