"""Reading the published VTT and chapters back for the episode page: the mix stage's own output and
the variants other writers produce."""

from __future__ import annotations

import json

import pytest

from pipeline.mix import chapters as mix_chapters
from pipeline.mix import transcripts
from pipeline.mix.id3 import Chapter as Id3Chapter
from pipeline.publish.pages.transcript import Chapter, Cue, parse_chapters, parse_vtt, safe_link

HOSTILE = '<script>alert(1)</script> & "quotes" --> <v Evil>'


def test_the_mix_stages_vtt_reads_back_cue_for_cue():
    written = [transcripts.Cue(0.4, 3.25, "Oliver", "Good morning & welcome."),
               transcripts.Cue(3.5, 7.0, "Shelby", f"A headline: {HOSTILE}"),
               transcripts.Cue(3661.5, 3662.0, "Oliver", "Past the hour,\nover two lines.")]
    cues = parse_vtt(transcripts.to_vtt(written))
    assert cues == [Cue(0.4, 3.25, "Oliver", "Good morning & welcome."),
                    Cue(3.5, 7.0, "Shelby", f"A headline: {HOSTILE}"),  # decoded: the template escapes it once
                    Cue(3661.5, 3662.0, "Oliver", "Past the hour, over two lines.")]


def test_other_writers_vtt_variants():
    vtt = ("\ufeffWEBVTT - a title\r\nKind: captions\r\n\r\nNOTE written by hand\r\nover two lines\r\n\r\n"
           "STYLE\r\n::cue { color: red }\r\n\r\n"
           "02:05.000 --> 02:07.500 align:start position:10%\r\n<v.loud Shelby Q>Loud <i>and</i> <c.x>clear</c>\r\n"
           "<00:02:06.000>still talking</v>\r\n\r\n"
           "intro\r\n00:00:01.000 --> 00:00:02.000\r\nNo speaker &amp; no id&#39;s tag\r\n\r\n"
           "00:00:03.000 --> 00:00:04.000\r\n\r\n"  # a cue without text
           "broken\r\n00:00:x --> 00:00:05.000\r\nignored\r\n")
    assert parse_vtt(vtt) == [Cue(1.0, 2.0, None, "No speaker & no id's tag"),
                              Cue(125.0, 127.5, "Shelby Q", "Loud and clear still talking")]


def test_a_file_that_is_not_webvtt_is_refused():
    with pytest.raises(ValueError, match="not WebVTT"):
        parse_vtt("1\n00:00:00,400 --> 00:00:01,200\nOliver: an SRT file\n")


def test_the_mix_stages_chapters_read_back_with_their_ends():
    written = [Id3Chapter(start=0.0, end=8.5, title="Intro"),
               Id3Chapter(start=8.5, end=90.0, title=HOSTILE, url="https://news.example/a?b=1&c=2"),
               Id3Chapter(start=90.0, end=200.0, title="Outro")]
    chapters = parse_chapters(mix_chapters.to_json(written), 200.0)
    assert chapters == [Chapter(0.0, 8.5, "Intro"), Chapter(8.5, 90.0, HOSTILE, "https://news.example/a?b=1&c=2"),
                        Chapter(90.0, 200.0, "Outro")]


def test_chapters_from_elsewhere_are_sorted_hidden_ones_left_out_and_links_checked():
    data = json.dumps({"version": "1.2.0", "chapters": [
        {"startTime": 30, "title": "Third", "url": "javascript:alert(1)"},
        {"startTime": 0, "title": " First\n\tline\x07 "},
        {"startTime": 10, "title": "Hidden", "toc": False},
        {"startTime": 20, "title": "Second", "url": "data:text/html,<b>"},
        {"startTime": "25", "title": "no number"}, {"startTime": 500, "title": "after the end"}, "junk"]})
    assert parse_chapters(data, 60.0) == [Chapter(0.0, 20.0, "First line"), Chapter(20.0, 30.0, "Second"),
                                          Chapter(30.0, 60.0, "Third")]
    with pytest.raises(ValueError, match="not JSON"):
        parse_chapters(b'{"chapters": [', 60.0)
    with pytest.raises(ValueError, match='no "chapters" list'):
        parse_chapters(b"[]", 60.0)


@pytest.mark.parametrize("url, kept", [
    ("https://news.example/a?x=1&y=2", True), ("HTTP://news.example/", True),
    ("javascript:alert(1)", False), (" JavaScript:alert(1)", False), ("data:text/html,x", False),
    ("https:///no-host", False), ("https://news.example/a b", False), ("https://news.example/\x00", False),
    ("//news.example/a", False), ("ftp://news.example/a", False), (None, False), (42, False),
])
def test_only_http_links_with_a_host_are_kept(url, kept):
    assert (safe_link(url) is not None) is kept
