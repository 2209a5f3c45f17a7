"""Transcripts of the episode, each cue at its line's real position in the final mix.

WebVTT with `<v Speaker>` voice tags (what the Podcasting 2.0 `<podcast:transcript>` tag and Apple
read) and SRT with the speaker's name leading the text. One cue per line of the script.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline import files


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    speaker: str
    text: str


def _clock(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    whole, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{whole:02d}{separator}{millis:03d}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(cues: list[Cue]) -> str:
    blocks = ["WEBVTT"]
    for number, cue in enumerate(cues, start=1):
        speaker = _vtt_escape(_one_line(cue.speaker))
        blocks.append(f"{number}\n{_clock(cue.start, '.')} --> {_clock(cue.end, '.')}\n"
                      f"<v {speaker}>{_vtt_escape(_one_line(cue.text))}</v>")
    return "\n\n".join(blocks) + "\n"


def to_srt(cues: list[Cue]) -> str:
    blocks = []
    for number, cue in enumerate(cues, start=1):
        blocks.append(f"{number}\n{_clock(cue.start, ',')} --> {_clock(cue.end, ',')}\n"
                      f"{_one_line(cue.speaker)}: {_one_line(cue.text).replace('-->', '->')}")
    return "\n\n".join(blocks) + "\n"


def write(vtt_path: Path, srt_path: Path, cues: list[Cue]) -> None:
    files.write_text(vtt_path, to_vtt(cues))
    files.write_text(srt_path, to_srt(cues))
