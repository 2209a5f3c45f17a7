"""The speech check: what a recognizer hears of each line, scored against the script."""

import json
from datetime import date

import numpy as np
import pytest

from pipeline import artifacts, runner
from pipeline.audio import resample
from pipeline.config import SpeechCheck, load_config
from pipeline.errors import UnheardLines
from pipeline.mix import speech_check
from pipeline.mix.speech_check import SpokenLine, align, score, words
from pipeline.models import Script, VoiceManifest
from pipeline.text import reading
from tests.conftest import show_config, write_config

SETTINGS = SpeechCheck(min_line_words=3)
LINES = [
    SpokenLine(1, "Oliver", 0.5, 3.0, "Good morning, I'm Oliver, and this is the show."),
    SpokenLine(2, "Shelby", 3.4, 6.0, "And I'm Shelby. A battery factory opens in Norway today."),
    SpokenLine(3, "Oliver", 6.4, 7.0, "Right."),
    SpokenLine(4, "Shelby", 7.4, 9.0, "How much money is involved?"),
]


def heard(*texts: str) -> list[str]:
    return [word for text in texts for word in words(text, "en")]


def test_words_are_compared_as_they_are_said():
    assert words("Good morning, I’m Oliver!", "en") == ["good", "morning", "im", "oliver"]
    assert words("state-of-the-art", "en") == ["state", "of", "the", "art"]


def test_alignment_pairs_every_word_once():
    pairs = align(["a", "b", "c", "d"], ["a", "x", "c", "d", "e"])
    assert pairs == [(0, 0), (1, 1), (2, 2), (3, 3), (None, 4)]
    assert align([], ["a"]) == [(None, 0)]
    assert align(["a"], []) == [(0, None)]


def test_a_perfectly_heard_episode_scores_zero():
    report = score(heard(*(line.text for line in LINES)), LINES, SETTINGS, "en")
    assert report.host_wer == {"Oliver": 0.0, "Shelby": 0.0}
    assert not report.unheard and not report.findings
    assert [line.heard for line in report.lines][2] == "right"


def test_a_line_the_recognizer_missed_is_unheard_and_named():
    report = score(heard(LINES[0].text, LINES[1].text, LINES[2].text), LINES, SETTINGS, "en")
    assert report.unheard == [4]
    assert report.lines[3].wer == 1.0 and report.lines[3].heard == ""
    assert report.findings[0].startswith("line 4 (Shelby) is unheard: word error rate 100%")
    assert report.host_wer["Shelby"] == pytest.approx(5 / 15, abs=0.001)  # 5 of Shelby's 15 words
    assert report.host_wer["Oliver"] == 0.0  # the neighbours keep their own words


def test_garbled_words_count_against_their_own_line():
    report = score(heard(LINES[0].text, "and i am shall be a bat tree fact or e opens in norway today",
                         LINES[2].text, LINES[3].text), LINES, SETTINGS, "en")
    assert report.lines[0].wer == 0.0 and report.lines[3].wer == 0.0
    assert report.lines[1].wer >= 0.5 and report.unheard == [2]


def test_a_short_line_is_scored_but_never_judged_unheard():
    report = score(heard(LINES[0].text, LINES[1].text, LINES[3].text), LINES, SETTINGS, "en")
    assert report.lines[2].wer == 1.0
    assert report.unheard == []


def test_a_host_far_off_fails_the_episode_even_without_one_unheard_line():
    strict = SpeechCheck(min_line_words=3, max_host_wer=0.05)
    report = score(heard(LINES[0].text, "and i'm shelby a battery factory opens in sweden today", LINES[2].text,
                         LINES[3].text), LINES, strict, "en")
    assert not report.unheard
    assert any(f.startswith("host Shelby: word error rate 7%") for f in report.findings)


def test_words_heard_before_the_first_line_are_charged_to_it():
    report = score(heard("la la la", *(line.text for line in LINES)), LINES, SETTINGS, "en")
    assert report.lines[0].errors == 3 and report.lines[1].errors == 0


@pytest.mark.slow
def test_the_recognizer_hears_real_speech_and_not_a_garbled_line():
    """Real Piper speech through real whisper base: the reversed line is unheard, the others are heard."""
    from pipeline.voice.engines.piper import PiperOptions, PiperVoice

    voice, rate = PiperVoice(PiperOptions()), 44100
    texts = ["Good morning, I'm Oliver, and this is the daily circuit.",
             "Norvik Energy opened its first large battery factory in Norway on Wednesday.",
             "The company says eighteen hundred people will work at the plant."]
    parts, lines, at = [np.zeros(rate // 2, np.float32)], [], 0.5
    for index, text in enumerate(texts, start=1):
        spoken = voice.synthesize(text)
        samples = resample(np.asarray(spoken.samples, np.float32), spoken.sample_rate, rate)
        if index == 2:
            samples = samples[::-1].copy()  # the same sounds, backwards: no words at all
        lines.append(SpokenLine(index, "Oliver", at, at + len(samples) / rate, text))
        parts += [samples, np.zeros(int(0.4 * rate), np.float32)]
        at += len(samples) / rate + 0.4
    report = speech_check.check(np.concatenate(parts), rate, lines, SpeechCheck(), "en")
    print({line.index: (line.wer, line.heard) for line in report.lines})
    assert report.unheard == [2]
    assert report.lines[0].wer <= 0.2 and report.lines[2].wer <= 0.2
    assert report.seconds > 0


def test_noise_between_two_lines_is_charged_to_the_one_heard_worse():
    garbled = "and i are on the year shelby half year a bat trees opens"  # line 2, backwards: sounds, no words
    report = score(heard(LINES[0].text, "its nell and", garbled, LINES[2].text, LINES[3].text), LINES, SETTINGS, "en")
    assert report.lines[0].errors == 0 and report.lines[0].heard == "good morning im oliver and this is the show"
    assert report.unheard == [2] and report.lines[1].heard.startswith("its nell and")


def test_an_extra_word_inside_a_line_is_that_lines_own():
    said = heard(*(line.text for line in LINES))
    report = score(said[:3] + ["um"] + said[3:], LINES, SETTINGS, "en")
    assert [line.errors for line in report.lines] == [1, 0, 0, 0]


def test_the_recognizer_hears_whole_lines_in_pieces_of_at_most_29_seconds():
    lines = [SpokenLine(i + 1, "Oliver", 3.0 + 10.0 * i, 11.0 + 10.0 * i, "words") for i in range(6)]  # 8 s, 2 s apart
    lines.append(SpokenLine(7, "Shelby", 64.0, 130.0, "a quote that runs for over a minute"))
    pieces = speech_check.clips(lines, total=140.0)
    assert pieces[0][0] == 2.75 and pieces[-1][1] == 130.25  # the music before and after is left out
    assert all(b - a <= 29.0 for a, b in pieces)
    assert all(a == b for (_, a), (b, _) in zip(pieces, pieces[1:]))  # nothing between the pieces is lost
    for line in lines[:6]:  # a line that fits is never cut
        assert any(a <= line.start and line.end <= b for a, b in pieces), line
    assert [a for a, _ in pieces] == [2.75, 22.0, 42.0, 62.5, 85.083, 107.667]  # the quote: three equal parts


class Backwards:
    """The bundled Piper voice, one line played backwards: the sounds of speech, no words."""

    name = "backwards"
    garbled = ""  # the spoken text of the line it plays backwards

    def __init__(self, options):
        from pipeline.voice.engines.piper import PiperVoice

        self.options, self._piper = options, PiperVoice(options)
        self.Options = type(options)

    def describe(self) -> str:
        return "backwards-piper"

    def synthesize(self, text: str):
        from pipeline.audio import Audio

        spoken = self._piper.synthesize(text)
        if text != Backwards.garbled:
            return spoken
        return Audio(samples=np.ascontiguousarray(spoken.samples[::-1]), sample_rate=spoken.sample_rate)


@pytest.fixture
def backwards(monkeypatch):
    from pipeline.voice.engines import VOICES
    from pipeline.voice.engines.piper import PiperOptions

    Backwards.Options = PiperOptions
    monkeypatch.setitem(VOICES, "backwards", Backwards)


def _garbled_show(tmp_path, fallback: str):
    """The sample show cut short after Shelby's first long line of story one, which is garbled; ready to voice."""
    hosts = [{"name": "Oliver", "voice": {"provider": "piper"}},
             {"name": "Shelby", "voice": {"provider": "backwards", "pitch_semitones": 4.0},
              "fallback_voice": {"provider": fallback, "pitch_semitones": 4.0}}]
    config = load_config(write_config(tmp_path, show_config(tmp_path, hosts=hosts, mix={"speech_check": {"enabled": True}},
                                                          review={"hold_below_share": 0})))
    day = date(2026, 12, 4)
    runner.run_day(config, day, only="stories")
    runner.run_day(config, day, only="script")
    path = config.work_root / day.isoformat() / artifacts.SCRIPT
    script = json.loads(path.read_text())
    cut = next(number for number, line in enumerate(script["lines"])
               if line["speaker"] == "Shelby" and line["story"] == 0 and len(line["text"].split()) >= 12)
    script["lines"] = script["lines"][:cut + 1]
    Backwards.garbled = reading.spoken(script["lines"][-1]["text"], "en", config.voicing.lexicon)
    path.write_text(json.dumps(script))
    return config, day


def _voice_and_publish(config, day):
    return runner.run_day(config, day, from_stage="voice", accept_script=True)


@pytest.mark.slow
def test_unheard_lines_are_voiced_again_by_the_fallback_voice_and_the_episode_goes_out(tmp_path, backwards):
    config, day = _garbled_show(tmp_path, fallback="piper")
    record = _voice_and_publish(config, day)
    assert record.outcome == "published"
    work = config.work_root / day.isoformat()
    manifest = VoiceManifest.model_validate_json((work / artifacts.VOICE).read_text())
    script = Script.model_validate_json((work / artifacts.SCRIPT).read_text())
    garbled = [number for number, line in enumerate(script.lines, start=1)
               if reading.spoken(line.text, "en", config.voicing.lexicon) == Backwards.garbled]
    assert len(garbled) == 1
    assert [line.index for line in manifest.lines if line.fallback] == garbled
    assert manifest.lines[garbled[0] - 1].voice == "piper:en_US-joe-medium+4st"
    assert manifest.lines[garbled[0] - 1].fallback == "the speech check could not hear it"
    assert {"stage": "mix", "reason": f"unheard lines {garbled[0]}: voiced again by the fallback voice"} in record.fallbacks
    qa = json.loads((work / artifacts.QA_REPORT).read_text())
    assert qa["passed"] and not qa["speech_check"]["unheard"]
    assert set(qa["speech_check"]["host_wer"]) == {"Oliver", "Shelby"}
    assert max(qa["speech_check"]["host_wer"].values()) <= 0.15
    assert len(qa["speech_check"]["lines"]) == len(manifest.lines)


@pytest.mark.slow
def test_lines_still_unheard_after_the_fallback_keep_the_episode_from_publishing(tmp_path, backwards):
    config, day = _garbled_show(tmp_path, fallback="backwards")
    with pytest.raises(UnheardLines, match=r"line \d+ \(Shelby\) is unheard"):
        _voice_and_publish(config, day)
    work = config.work_root / day.isoformat()
    qa = json.loads((work / artifacts.QA_REPORT).read_text())
    assert not qa["passed"] and qa["speech_check"]["unheard"]
    assert (work / artifacts.REJECTED_AUDIO).exists() and not (work / artifacts.EPISODE).exists()
    assert not (config.publish_dir / "feed.xml").exists()
