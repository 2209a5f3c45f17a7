"""`make run`'s episode as a listener's app gets it: loudness, true peak, chapters, cover, side files.

One run of the shipped config through the CLI, with the real Piper voice. Loudness and true peak are
measured on the published MP3 by ffmpeg's own ebur128 (true peak oversampled by ffmpeg), not by the
code that made the mix.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3

from pipeline import artifacts, audio
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.mix import stage as mix
from pipeline.models import MixedEpisode
from pipeline.voice import synthesis
from tests import meter
from tests.conftest import published_audio, show_config, write_config

DAY = "2026-11-30"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def episode(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("broadcast")
    config_path = write_config(root, show_config(root))
    assert main(["--config", str(config_path), "run", "--date", DAY]) == 0
    return published_audio(load_config(config_path), DAY), root / "work" / DAY


def test_loudness_and_true_peak_of_the_published_mp3(episode):
    mp3, work = episode
    command = [audio.ffmpeg(), "-hide_banner", "-nostats", "-i", str(mp3), "-af", "ebur128=peak=true:framelog=quiet",
               "-f", "null", "-"]
    measured = meter.parse_ebur128(subprocess.run(command, capture_output=True, text=True, check=True).stderr)
    print(f"make run's episode: {measured.integrated_lufs} LUFS, {measured.true_peak_dbtp} dBTP, "
          f"LRA {measured.loudness_range_lu} LU")
    assert measured.integrated_lufs == pytest.approx(-19.0, abs=0.2)  # mono: -19 (stereo would be -16); tolerance ±1
    assert measured.true_peak_dbtp <= -1.0
    # What the QA gate read on the encoders' input is what ffmpeg reads on the MP3; MP3 coding adds to
    # the peaks, which the mix's margin under the ceiling covers.
    episode = MixedEpisode.model_validate_json((work / artifacts.EPISODE).read_text())
    assert episode.loudness_lufs == pytest.approx(measured.integrated_lufs, abs=0.1)
    assert episode.true_peak_dbtp - 0.1 <= measured.true_peak_dbtp <= episode.true_peak_dbtp + mix.TRUE_PEAK_MARGIN_DB


def test_id3_chapters_and_cover(episode):
    mp3, work = episode
    tags = ID3(mp3)
    assert tags.getall("APIC") and tags.getall("CTOC")
    chapters = json.loads((work / artifacts.CHAPTERS).read_text())["chapters"]
    assert len(tags.getall("CHAP")) == len(chapters) == 4
    assert chapters[1]["url"].startswith("http")


def test_transcript_cues_sit_on_the_speech(episode):
    """Each story line's cue starts within 50 ms of where its speech starts in the decoded MP3."""
    mp3, work = episode
    samples, rate = audio.decode(mp3)
    timeline = MixedEpisode.model_validate_json((work / artifacts.EPISODE).read_text()).timeline
    vtt = (work / artifacts.TRANSCRIPT_VTT).read_text()
    hop = rate // 100  # 10 ms frames, as the voice stage trims each line's silence (synthesis.trim_silence)
    frames = len(samples) // hop
    with np.errstate(divide="ignore"):
        level = 10 * np.log10(np.square(samples[: frames * hop].astype(np.float64)).reshape(frames, hop).mean(axis=1))
    checked = 0
    for previous, line in zip(timeline, timeline[1:]):
        assert f"<v {line.speaker}>" in vtt
        if line.story is None or previous.story is None:
            continue  # the greeting has music under it, fading out into the first story
        start = int(line.start * rate / hop)
        # from 200 ms before the cue (but after the previous line's end: turns can follow within 180 ms)
        # to 200 ms after it; speech is what the trim calls speech: within 45 dB of the line's loudest frame
        first = max(start - 20, int((previous.end + 0.03) * rate / hop))
        peak = level[start : int(line.end * rate / hop)].max()
        loud = level[first : start + 20] > peak - synthesis.TRIM_BELOW_PEAK_DB
        onset = (first + int(np.argmax(loud))) * hop / rate
        assert onset == pytest.approx(line.start, abs=0.05), f"line {line.index}"
        checked += 1
    assert checked > 5
    srt = (work / artifacts.TRANSCRIPT_SRT).read_text()
    assert srt.count(" --> ") == len(timeline)
