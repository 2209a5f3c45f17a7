"""The mix stage on the sample show with tone voices: what a listener, a podcast app and a producer get.

The tone voices sit at 3.5 and 4.2 kHz, above every partial of the show's music, so each host's
lines can be found in the decoded MP3 by band energy alone, under the jingle and the bed.
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
from mutagen.id3 import ID3

from pipeline import artifacts, audio, runner
from pipeline.audio import loudness, mp3
from pipeline.config import load_config
from pipeline.errors import QAError
from pipeline.mix import jingle
from pipeline.mix import stage as mix
from pipeline.models import Line, MixedEpisode, Script
from tests import meter
from tests.conftest import register_tones, show_config, write_config

DAY, BROKEN_DAY = date(2026, 11, 30), date(2026, 12, 1)
HOST_HZ = {"Oliver": 3500.0, "Shelby": 4200.0}


@pytest.fixture(scope="module")
def made(tmp_path_factory, request):
    """One mixed and published episode (tone voices), shared by the module's tests."""
    monkeypatch = pytest.MonkeyPatch()
    request.addfinalizer(monkeypatch.undo)
    hosts = register_tones(monkeypatch, HOST_HZ)
    root = tmp_path_factory.mktemp("mix")
    config = load_config(write_config(root, show_config(root, hosts=hosts)))
    with pytest.MonkeyPatch.context() as for_this_run:
        # Three encoders, whatever this machine has: the seams between their parts must not show.
        for_this_run.setattr(mix.audio, "cores", lambda: 3)
        real_plan = mp3.plan_segments

        def recorded(*args, **kwargs):
            ranges = real_plan(*args, **kwargs)
            ENCODED_RANGES.append(ranges)
            return ranges

        for_this_run.setattr(mp3, "plan_segments", recorded)
        runner.run_day(config, DAY)
    return config, config.work_root / DAY.isoformat()


ENCODED_RANGES: list[list[tuple[int, int]]] = []


def _band_envelope(samples: np.ndarray, rate: int, hz: float) -> np.ndarray:
    """RMS of the band around `hz`, one value per millisecond (index = milliseconds)."""
    spectrum = np.fft.rfft(samples)
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    spectrum[np.abs(freqs - hz) > 60] = 0
    band = np.square(np.fft.irfft(spectrum, len(samples)))
    edges = (np.arange(int(len(band) / rate * 1000) + 1) * rate / 1000).astype(int)
    sums = np.concatenate([[0.0], np.cumsum(band)])
    return np.sqrt((sums[edges[1:]] - sums[edges[:-1]]) / np.diff(edges))


def test_the_mp3_meets_the_loudness_and_true_peak_targets(made):
    config, day = made
    measured, samples, rate = meter.of_file(day / artifacts.EPISODE_AUDIO)
    assert config.mix.target_lufs == -19  # mono
    assert measured.integrated_lufs == pytest.approx(-19, abs=0.2)  # the plan's aim, not just the ±1 LU tolerance
    assert measured.true_peak_dbtp <= -1.0
    episode = MixedEpisode.model_validate_json((day / artifacts.EPISODE).read_text())
    # The QA gate read the samples the encoders got: the MP3 plays at that loudness.
    assert episode.loudness_lufs == pytest.approx(measured.integrated_lufs, abs=0.05)
    assert episode.bytes == (day / artifacts.EPISODE_AUDIO).stat().st_size
    assert len(samples) / rate == pytest.approx(episode.seconds, abs=0.05)


def test_the_episode_was_encoded_in_three_parts_joined_in_pauses(made):
    _, day = made
    [ranges] = ENCODED_RANGES
    assert len(ranges) == 3
    episode = MixedEpisode.model_validate_json((day / artifacts.EPISODE).read_text())
    calibration = mp3.calibrate(mp3.Settings(44100, "128k", 1, 7))
    for (_, seam), (following, _) in zip(ranges, ranges[1:]):
        seconds = (seam + calibration.priming) / 44100, (following + calibration.priming) / 44100
        assert any(before.end < seconds[0] and seconds[1] < after.start
                   for before, after in zip(episode.timeline, episode.timeline[1:])), "a seam outside every pause"
    # Every line plays where the timeline says, on either side of the seams:
    # test_every_line_starts_where_the_transcripts_say checks each one in the decoded MP3.


def test_the_mp3_is_cbr_128k_at_44100(made):
    _, day = made
    from mutagen.mp3 import MP3, BitrateMode

    info = MP3(day / artifacts.EPISODE_AUDIO).info
    assert (info.sample_rate, info.bitrate, info.channels) == (44100, 128000, 1)
    assert info.bitrate_mode in (BitrateMode.CBR, BitrateMode.UNKNOWN)  # LAME tags CBR as "unknown" or CBR


def test_every_line_starts_where_the_transcripts_say(made):
    _, day = made
    samples, rate = audio.decode(day / artifacts.EPISODE_AUDIO)
    vtt = (day / artifacts.TRANSCRIPT_VTT).read_text()
    cues = _vtt_cues(vtt)
    episode = MixedEpisode.model_validate_json((day / artifacts.EPISODE).read_text())
    assert len(cues) == len(episode.timeline)
    envelopes = {host: _band_envelope(samples, rate, hz) for host, hz in HOST_HZ.items()}
    bounds = [0.0] + [line.end for line in episode.timeline]
    nexts = [line.start for line in episode.timeline[1:]] + [episode.seconds]
    for (start, end, speaker, _), line, previous_end, next_start in zip(cues, episode.timeline, bounds, nexts):
        assert speaker == line.speaker
        envelope = envelopes[speaker]
        level = np.median(envelope[int(start * 1000) : int(end * 1000)])
        # Search around each edge, but never into the neighbouring line (it may be the same host's).
        before = max(int(start * 1000) - 200, int((previous_end + start) / 2 * 1000))
        window = envelope[before : int(start * 1000) + 200]
        onset = before + int(np.argmax(window > level / 2))
        after = min(int(end * 1000) + 200, int((end + next_start) / 2 * 1000))
        offset_window = envelope[int(end * 1000) - 200 : after]
        offset = int(end * 1000) - 200 + int(np.flatnonzero(offset_window > level / 2)[-1])
        assert onset / 1000 == pytest.approx(start, abs=0.01), f"line {line.index} starts at {onset} ms"
        assert offset / 1000 == pytest.approx(end, abs=0.01), f"line {line.index} ends at {offset} ms"


def test_the_timeline_is_the_layout_plus_the_encoders_priming(made):
    config, day = made
    episode = MixedEpisode.model_validate_json((day / artifacts.EPISODE).read_text())
    priming = mp3.calibrate(mp3.Settings(44100, "128k", 1, config.mix.mp3_quality)).priming
    assert episode.timeline[0].start == round((int(jingle.INTRO_SPEECH_AT * 44100) + priming) / 44100, 3)


def test_srt_matches_vtt(made):
    _, day = made
    vtt = _vtt_cues((day / artifacts.TRANSCRIPT_VTT).read_text())
    srt_blocks = (day / artifacts.TRANSCRIPT_SRT).read_text().strip().split("\n\n")
    assert len(srt_blocks) == len(vtt)
    number, times, text = srt_blocks[1].split("\n", 2)
    assert number == "2"
    assert times.replace(",", ".") == f"{_clock(vtt[1][0])} --> {_clock(vtt[1][1])}"
    assert text.startswith(f"{vtt[1][2]}: ")


def test_pauses_follow_the_dialogue(made):
    config, day = made
    script = Script.model_validate_json((day / "script.json").read_text())
    episode = MixedEpisode.model_validate_json((day / artifacts.EPISODE).read_text())
    gaps = {}
    for previous, line, before, after in zip(script.lines, script.lines[1:], episode.timeline, episode.timeline[1:]):
        gap = round((after.start - before.end) * 1000)
        assert gap == pytest.approx(mix.pause_ms(config.mix, previous, line), abs=2)
        gaps[gap] = line
    assert len(gaps) >= 2  # not one fixed pause everywhere
    assert max(gaps) == pytest.approx(config.mix.story_pause_ms, abs=2)


def test_pause_rules():
    from pipeline.config import Mix

    settings = Mix(pause_ms=350, quick_pause_ms=150, story_pause_ms=900, quick_reply_words=4)
    statement = Line(speaker="A", text="Prices rose sharply across the whole region last year.", story=0)
    assert mix.pause_ms(settings, statement, Line(speaker="B", text="Right, that is a lot.", story=0)) == 350
    assert mix.pause_ms(settings, statement, Line(speaker="B", text="Wow, really?", story=0)) == 150
    question = Line(speaker="A", text="What does that mean for buyers?", story=0)
    assert mix.pause_ms(settings, question, statement) == 150
    assert mix.pause_ms(settings, statement, Line(speaker="B", text="Next, a new chip design.", story=1)) == 900


def test_id3_has_title_cover_chapters_and_credits(made):
    config, day = made
    tags = ID3(day / artifacts.EPISODE_AUDIO)
    assert tags.version[:2] == (2, 4)
    assert str(tags["TIT2"]) == f"{config.show.title}, {DAY.isoformat()}"
    assert str(tags["TALB"]) == config.show.title
    assert str(tags["TDRC"]) == DAY.isoformat()
    [cover] = tags.getall("APIC")
    assert cover.mime == "image/jpeg" and cover.type == 3
    from io import BytesIO

    from PIL import Image

    assert Image.open(BytesIO(cover.data)).size == (1400, 1400)
    [comment] = tags.getall("COMM")
    # how it was made, in plain words: AI-generated, synthetic voices, the outlets; no internal names
    assert "AI-generated" in comment.text[0] and "Oliver and Shelby are synthetic voices" in comment.text[0]
    assert "quoted reporting from TechWire" in comment.text[0]
    assert not any(internal in comment.text[0] for internal in ("extractive", "tone:", "piper", "dailycast"))
    [toc] = tags.getall("CTOC")
    chapters = [tags[f"CHAP:{element}"] for element in toc.child_element_ids]
    titles = [str(chapter.sub_frames["TIT2"]) for chapter in chapters]
    stories = json.loads((day / "stories.json").read_text())["stories"]
    assert titles == ["Intro", stories[0]["title"], stories[1]["title"], "Outro"]
    starts = [chapter.start_time for chapter in chapters]
    assert starts == sorted(starts) and starts[0] == 0
    assert chapters[1].sub_frames.getall("WXXX")[0].url == stories[0]["url"]


def test_chapters_json_is_podcasting_2_0(made):
    _, day = made
    data = json.loads((day / artifacts.CHAPTERS).read_text())
    assert data["version"] == "1.2.0"
    stories = json.loads((day / "stories.json").read_text())["stories"]
    story_chapters = [c for c in data["chapters"] if c["title"] not in ("Intro", "Outro")]
    assert [c["title"] for c in story_chapters] == [s["title"] for s in stories]
    assert [c["url"] for c in story_chapters] == [s["url"] for s in stories]
    episode = MixedEpisode.model_validate_json((day / artifacts.EPISODE).read_text())
    for number, chapter in enumerate(story_chapters):
        first_line = next(line for line in episode.timeline if line.story == number)
        assert chapter["startTime"] == first_line.start
    tags = ID3(day / artifacts.EPISODE_AUDIO)
    assert [tags[f"CHAP:chp{i}"].start_time for i in range(len(data["chapters"]))] == \
        [round(c["startTime"] * 1000) for c in data["chapters"]]


def test_the_jingle_and_the_bed_are_in_the_mix(made):
    _, day = made
    samples, rate = audio.decode(day / artifacts.EPISODE_AUDIO)
    episode = MixedEpisode.model_validate_json((day / artifacts.EPISODE).read_text())
    first = episode.timeline[0].start
    assert loudness.sample_peak_dbfs(samples[: int((first - 0.3) * rate)]) > -30  # the intro sting
    last = episode.timeline[-1].end
    assert loudness.sample_peak_dbfs(samples[int((last + 0.9) * rate) :]) > -30  # the outro
    # The bed (music below 3 kHz, where the tone voices are not) plays under the greeting's last line,
    # after the sting has died away, and is gone by the middle of the first story. Its dip under each
    # line is tested in tests/audio/test_jingle.py.
    spectrum = np.fft.rfft(samples)
    spectrum[np.fft.rfftfreq(len(samples), 1 / rate) > 3000] = 0
    music = np.fft.irfft(spectrum, len(samples))

    def level(start: float, end: float) -> float:
        window = music[int(start * rate) : int(end * rate)]
        return 10 * np.log10(np.mean(window**2) + 1e-20)

    greeting = [line for line in episode.timeline if line.story is None and line.start < first + 30]
    story = next(line for line in episode.timeline if line.story == 0 and line.end - line.start > 2)
    under_greeting = level(greeting[-1].end - 0.4, greeting[-1].end - 0.1)
    in_story = level((story.start + story.end) / 2 - 0.15, (story.start + story.end) / 2 + 0.15)
    assert greeting[-1].end - 0.4 > 5.5, "the window must be after the intro sting"
    assert under_greeting > -70 and under_greeting > in_story + 20, (under_greeting, in_story)


def test_qa_report_is_written_and_passes(made):
    _, day = made
    report = json.loads((day / artifacts.QA_REPORT).read_text())
    assert report["passed"] is True and report["findings"] == []
    assert report["longest_silence_seconds"] < 3


def test_a_rejected_episode_is_not_published_and_the_feed_stays(made, monkeypatch):
    config, _ = made
    feed = config.publish_dir / "feed.xml"
    before = feed.read_bytes()

    from pipeline.voice.engines import VOICES

    tone = VOICES["tone"]

    class WhisperingTone(tone):  # Shelby's voice fails quietly: lines 80 dB under Oliver's
        def synthesize(self, text):
            from pipeline.audio import Audio

            spoken = super().synthesize(text)
            if self.options.hz == HOST_HZ["Shelby"]:
                return Audio(samples=spoken.samples * 1e-4, sample_rate=spoken.sample_rate)
            return spoken

    monkeypatch.setitem(VOICES, "tone", WhisperingTone)
    monkeypatch.setattr(config.voicing, "cache", False)  # same provider, options and text: it would hit
    with pytest.raises(QAError, match="host Shelby") as raised:
        runner.run_day(config, BROKEN_DAY)
    day = config.work_root / BROKEN_DAY.isoformat()
    assert "qa.json" in str(raised.value)
    report = json.loads((day / artifacts.QA_REPORT).read_text())
    assert report["passed"] is False and any("Shelby" in finding for finding in report["findings"])
    assert not (day / artifacts.EPISODE).exists() and not (day / artifacts.EPISODE_AUDIO).exists()
    assert (day / artifacts.REJECTED_AUDIO).exists()
    assert not list(day.glob(".*"))  # no temporary file left behind
    assert feed.read_bytes() == before
    assert not list((config.publish_dir / "episodes").glob(f"{BROKEN_DAY}-*"))
    assert list((config.publish_dir / "episodes").glob(f"{DAY}-*.mp3"))  # the pattern does find a published day
    assert runner.history(config, BROKEN_DAY)[-1]["outcome"] == "failed"


def test_stereo_aims_at_minus_16(tmp_path, tone_voices):
    data = show_config(tmp_path, hosts=tone_voices, mix={"channels": 2, "jingle": False, "music_bed": False})
    config = load_config(write_config(tmp_path, data))
    runner.run_day(config, DAY, only="stories")
    for stage in ("script", "voice", "mix"):
        runner.run_day(config, DAY, only=stage)
    measured, _, _ = meter.of_file(config.work_root / DAY.isoformat() / artifacts.EPISODE_AUDIO)
    assert measured.integrated_lufs == pytest.approx(-16, abs=0.2)  # dual mono: 3 dB over the same samples in mono
    assert measured.true_peak_dbtp <= -1.0


def test_a_low_rate_show_is_encoded_in_parts_too(tmp_path, tone_voices, monkeypatch):
    """22.05 kHz is MPEG-2 (576-sample frames): calibrated and joined as exactly as 44.1 kHz."""
    monkeypatch.setattr(mix.audio, "cores", lambda: 2)
    planned = []
    real_plan = mp3.plan_segments
    monkeypatch.setattr(mp3, "plan_segments", lambda *args, **kwargs: planned.append(real_plan(*args, **kwargs))
                        or planned[-1])
    data = show_config(tmp_path, hosts=tone_voices, mix={"sample_rate": 22050, "bitrate": "64k"})
    config = load_config(write_config(tmp_path, data))
    runner.run_day(config, DAY)
    day = config.work_root / DAY.isoformat()
    assert [len(ranges) for ranges in planned] == [2]
    measured, samples, rate = meter.of_file(day / artifacts.EPISODE_AUDIO)
    episode = MixedEpisode.model_validate_json((day / artifacts.EPISODE).read_text())
    assert rate == 22050 and len(samples) / rate == pytest.approx(episode.seconds, abs=0.001)
    assert measured.integrated_lufs == pytest.approx(-19, abs=0.2)
    assert measured.true_peak_dbtp <= -1.0


def test_parts_that_would_not_join_are_encoded_again_in_one_piece(tmp_path, tone_voices, monkeypatch, caplog):
    monkeypatch.setattr(mix.audio, "cores", lambda: 2)
    real_add = mp3.ParallelEncode.add

    def one_frame_late(self, start, end, samples):  # as if LAME framed differently from its calibration
        real_add(self, start, end, samples)
        if start:
            monkeypatch.setattr(mp3.Calibration, "frames", lambda calibration, length: -(-length // 1152) + 2)

    monkeypatch.setattr(mp3.ParallelEncode, "add", one_frame_late)
    config = load_config(write_config(tmp_path, show_config(tmp_path, hosts=tone_voices)))
    runner.run_day(config, DAY)
    assert "the parts would not join exactly; encoding in one piece" in caplog.text
    day = config.work_root / DAY.isoformat()
    episode = MixedEpisode.model_validate_json((day / artifacts.EPISODE).read_text())
    samples, rate = audio.decode(day / artifacts.EPISODE_AUDIO)
    assert len(samples) / rate == pytest.approx(episode.seconds, abs=0.001)
    assert not list(day.glob(".*.tmp"))


def _clock(seconds: float) -> str:
    millis = round(seconds * 1000)
    return f"{millis // 3_600_000:02d}:{millis // 60_000 % 60:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}"


def _vtt_cues(text: str) -> list[tuple[float, float, str, str]]:
    assert text.startswith("WEBVTT")
    cues = []
    for block in text.strip().split("\n\n")[1:]:
        _, times, body = block.split("\n", 2)
        start, end = (_seconds(part) for part in times.split(" --> "))
        assert body.startswith("<v ") and body.endswith("</v>")
        speaker, words = body[3:-4].split(">", 1)
        cues.append((start, end, speaker, words))
    return cues


def _seconds(clock: str) -> float:
    hours, minutes, seconds = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
