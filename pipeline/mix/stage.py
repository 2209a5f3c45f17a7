"""Stage 4: the voiced lines, the show's music and the pauses into one MP3, checked before publish.

The episode is laid out once in a single sample array (no copy per line): the intro sting, the lines
with pauses that follow the dialogue (quick after a question or before a short reply, longer between
stories), a music bed under the greeting that dips while the hosts speak, and the outro. The
mastering is planned from one measurement (BS.1770): one gain and one look-ahead limiter that land
the episode on the target loudness under the true-peak ceiling (pipeline.mix.master). The episode
is then rendered and encoded once, CBR, by one encoder per core on ranges cut in the pauses and
joined frame-exactly (pipeline.audio.mp3), and tagged (ID3v2.4: chapters, cover, credits).

The QA gate checks the very samples the encoders get, while they encode; the encoder's level offset
is measured, so its reading is the MP3's; a speech recognizer listens to the same samples and scores
every line (pipeline.mix.speech_check). Only an episode that passes becomes episode.mp3, with
chapters.json, transcript.vtt, transcript.srt and finally episode.json (what publish reads); a
rejected one is kept as episode.rejected.mp3 for the producer, with the findings in qa.json.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import numpy as np

from pipeline import artifacts, audio, files
from pipeline.audio import loudness, mp3
from pipeline.config import Mix
from pipeline.context import StageContext
from pipeline.cover import cover_image
from pipeline.errors import ProviderError, QAError, StageError, UnheardLines
from pipeline.mix import chapters, id3, jingle, master, qa, speech_check, transcripts
from pipeline.models import Line, MixedEpisode, Script, StoriesArtifact, TimedLine, VoiceManifest, credit_line

LEAD_IN_SECONDS = 0.4  # without the jingle
TAIL_SECONDS = 1.2
OUTRO_GAP_SECONDS = 0.8
OUTRO_TAIL_SECONDS = 0.4
JINGLE_LU = -1.0  # the music a touch under the speech
BED_FADE_IN_SECONDS = 1.5
BED_FADE_OUT_SECONDS = 1.5
# The limiter works on samples; MP3 encoding and inter-sample peaks can add a little on top.
TRUE_PEAK_MARGIN_DB = 0.6
SEAM_MARGIN_SECONDS = 0.01  # digital silence kept either side of a seam between two encoders' parts
MIN_PART_SECONDS = 20.0  # shorter parts would not repay starting another encoder
CACHE_FOLDER = "cache/mix"  # the encoder's calibration and the show's music, under the work folder


def pause_ms(mix: Mix, previous: Line, line: Line) -> int:
    """The silence before `line`: long where a story begins, short for a quick exchange."""
    if line.story != previous.story:
        return mix.story_pause_ms
    if previous.text.rstrip().endswith("?") or len(line.text.split()) <= mix.quick_reply_words:
        return mix.quick_pause_ms
    return mix.pause_ms


def run(ctx: StageContext) -> MixedEpisode:
    mix = ctx.config.mix
    script = ctx.read(artifacts.SCRIPT, Script)  # as voiced: the voice stage took in any edit
    manifest: VoiceManifest = ctx.read(artifacts.VOICE, VoiceManifest)
    if len(manifest.lines) != len(script.lines):
        raise StageError(
            f"{ctx.path(artifacts.VOICE)}: {len(manifest.lines)} voiced lines for {len(script.lines)} script "
            "lines; the script changed since it was voiced: rerun from the voice stage"
        )
    rate = manifest.sample_rate
    cache = ctx.config.work_root / CACHE_FOLDER
    settings = mp3.Settings(rate, mix.bitrate, mix.channels, mix.mp3_quality)
    calibration = mp3.calibrate(settings, cache)
    # Aim the PCM where the encoder's level offset lands the MP3 on the target.
    target = mix.target_lufs - calibration.gain_db

    music = jingle.show_music(rate, cache) if mix.jingle or mix.music_bed else None
    layout = _lay_out(ctx, script, manifest, music)
    pieces = _music_pieces(mix, music, layout, script, target)
    program = master.Program(speech=layout.speech, music=pieces, rate=rate)
    plan = master.plan(program, target, mix.peak_dbfs - TRUE_PEAK_MARGIN_DB, mix.channels)

    # Every position a listener's app reports is `priming` later than in the layout (see pipeline.audio.mp3).
    offset = calibration.priming
    timeline = [
        TimedLine(index=v.index, speaker=v.speaker, story=line.story, start=round((start + offset) / rate, 3),
                  end=round((end + offset) / rate, 3))
        for v, line, (start, end) in zip(manifest.lines, script.lines, layout.spans)
    ]
    total = len(layout.speech)
    silences = [(end, following) for (_, end), (following, _) in zip(layout.spans, layout.spans[1:])
                if not any(piece.start < following and end < piece.end for piece in pieces)]
    parts = max(1, min(audio.cores(), total // int(MIN_PART_SECONDS * rate)))
    ranges = mp3.plan_segments(total, silences, parts, calibration, margin=int(SEAM_MARGIN_SECONDS * rate))

    with files.atomic_path(ctx.path(artifacts.EPISODE_AUDIO)) as tmp, mp3.ParallelEncode(tmp, settings, calibration) as encoding:
        final = np.zeros(total, np.float32)  # what the encoders get, for the QA gate
        for start, end in ranges:
            final[start:end] = master.render(program, plan, start, end)
            encoding.add(start, end, final[start:end])
        # While the encoders run: the QA gate on exactly the samples they encode.
        expectation = _expectation(ctx, script, [(line.speaker, start / rate, end / rate)
                                                 for line, (start, end) in zip(script.lines, layout.spans)])
        report = qa.evaluate(final, rate, qa.measure(final, rate, mix.channels, calibration.gain_db), expectation)
        unheard = _speech_check(ctx, report, final, rate, script, manifest, layout.spans)
        cover = id3.embedded_cover(cover_image(ctx.config), cache)
        try:
            frames = encoding.finish()
        except mp3.PartsMisaligned as exc:  # this encoder frames differently after all: encode in one piece
            ctx.log.warning("%s; encoding in one piece", exc)
            with mp3.ParallelEncode(tmp, settings, calibration) as whole:
                whole.add(0, total, final)
                frames = whole.finish()
        seconds = round(frames * calibration.frame / rate, 3)
        stories = ctx.read(artifacts.STORIES, StoriesArtifact)
        chapter_list = chapters.build(timeline, stories.stories, seconds,
                                      (layout.outro_at + offset) / rate if mix.jingle else None)
        id3.write_tags(tmp, id3.EpisodeTags(
            title=f"{ctx.config.show.title}, {ctx.date.isoformat()}",
            show=ctx.config.show.title,
            artist=", ".join(ctx.host_names),
            date=ctx.date.isoformat(),
            comment=f"{credit_line(script, stories.stories, ctx.host_names)} The music is the show's own.",
            language="nld" if ctx.config.show.language == "nl" else "eng",
            cover=cover,
            chapters=chapter_list,
        ))
        files.write_text(ctx.path(artifacts.QA_REPORT), json.dumps(report.to_dict(), indent=2) + "\n")
        if not report.passed:
            os.replace(tmp, ctx.path(artifacts.REJECTED_AUDIO))
            message = (f"{ctx.path(artifacts.EPISODE_AUDIO)} rejected by QA (kept as {artifacts.REJECTED_AUDIO}, "
                       f"findings in {artifacts.QA_REPORT}): " + "; ".join(report.findings))
            raise UnheardLines(message, unheard) if unheard else QAError(message)
        size = tmp.stat().st_size
        chapters.write_json(ctx.path(artifacts.CHAPTERS), chapter_list)
        cues = [transcripts.Cue(t.start, t.end, t.speaker, line.text) for t, line in zip(timeline, script.lines)]
        transcripts.write(ctx.path(artifacts.TRANSCRIPT_VTT), ctx.path(artifacts.TRANSCRIPT_SRT), cues)
    ctx.path(artifacts.REJECTED_AUDIO).unlink(missing_ok=True)

    mixed = MixedEpisode(
        file=artifacts.EPISODE_AUDIO, seconds=seconds, bytes=size, sample_rate=rate, bitrate=mix.bitrate, timeline=timeline,
        channels=mix.channels, loudness_lufs=report.integrated_lufs, true_peak_dbtp=report.true_peak_dbtp,
    )
    files.write_model(ctx.path(artifacts.EPISODE), mixed)
    ctx.log.info("mixed %.1f s into %s (%d bytes, %d encoders): %.2f LUFS (planned %.2f), %.1f dBTP", mixed.seconds,
                 artifacts.EPISODE_AUDIO, size, len(ranges), report.integrated_lufs, plan.predicted_lufs + calibration.gain_db,
                 report.true_peak_dbtp)
    return mixed


@dataclass(frozen=True)
class Layout:
    """The episode's timeline in samples: the lines at unit gain where they play, before any music."""

    speech: np.ndarray  # the whole episode's length
    spans: list[tuple[int, int]]  # each line's [start, end)
    outro_at: int
    rate: int


def _lay_out(ctx: StageContext, script: Script, manifest: VoiceManifest, music: jingle.ShowMusic | None) -> Layout:
    """The lines after the intro (or a short lead-in), with pauses that follow the dialogue, then the outro."""
    mix, rate = ctx.config.mix, manifest.sample_rate
    voiced = [_read_line(ctx, line.file, rate) for line in manifest.lines]
    if not any(np.any(samples) for samples in voiced):
        raise StageError(f"{ctx.path(artifacts.LINES)}: every voiced line is silent")
    position = int((jingle.INTRO_SPEECH_AT if mix.jingle else LEAD_IN_SECONDS) * rate)
    spans = []
    for number, (line, samples) in enumerate(zip(script.lines, voiced)):
        if number:
            position += int(pause_ms(mix, script.lines[number - 1], line) * rate / 1000)
        spans.append((position, position + len(samples)))
        position += len(samples)
    outro_at = position + int(OUTRO_GAP_SECONDS * rate)
    outro_length = len(music.outro) if mix.jingle and music is not None else 0
    total = outro_at + outro_length + int((OUTRO_TAIL_SECONDS if mix.jingle else TAIL_SECONDS) * rate)
    speech = np.zeros(total, np.float32)
    for (start, end), samples in zip(spans, voiced):
        speech[start:end] = samples
    return Layout(speech=speech, spans=spans, outro_at=outro_at, rate=rate)


def _music_pieces(mix: Mix, music: jingle.ShowMusic | None, layout: Layout, script: Script,
                  target: float) -> list[master.Music]:
    """The intro and outro a touch under the speech's target, and the bed under the greeting."""
    if music is None:
        return []
    pieces = []
    if mix.jingle:
        gain = loudness.gain_to(target + JINGLE_LU, jingle.LEVEL_LUFS)
        pieces += [master.Music(0, gain * music.intro), master.Music(layout.outro_at, gain * music.outro)]
    if mix.music_bed:
        pieces += _bed(music, layout, mix, script.lines, target)
    return pieces


def _read_line(ctx: StageContext, name: str, rate: int) -> np.ndarray:
    samples, file_rate = audio.read_wav(ctx.path(f"{artifacts.LINES}/{name}"))
    if file_rate != rate:
        raise StageError(f"{name}: {file_rate} Hz, expected {rate} Hz")
    return samples


def _bed(music: jingle.ShowMusic, layout: Layout, mix: Mix, lines: list[Line], target: float) -> list[master.Music]:
    """The bed from the intro to the end of the greeting, dipping under every line, fading out."""
    rate, total = layout.rate, len(layout.speech)
    greeting = []
    for line, span in zip(lines, layout.spans):
        if line.story is not None:
            break
        greeting.append(span)
    if not greeting:
        return []
    start = 0 if mix.jingle else greeting[0][0]
    end = min(total, greeting[-1][1] + int(BED_FADE_OUT_SECONDS * rate))
    length = end - start
    if length <= 0:
        return []
    bed = music.bed(length)
    bed *= jingle.ducking_gain(length, rate, [((a - start) / rate, (b - start) / rate) for a, b in greeting],
                               mix.duck_db)
    fade_in = min(length, int(BED_FADE_IN_SECONDS * rate))
    bed[:fade_in] *= np.linspace(0, 1, fade_in, dtype=np.float32)
    fade_out = min(length, int(BED_FADE_OUT_SECONDS * rate))
    bed[length - fade_out:] *= np.linspace(1, 0, fade_out, dtype=np.float32)
    return [master.Music(start, loudness.gain_to(target + mix.bed_db, jingle.LEVEL_LUFS) * bed)]


def _speech_check(ctx: StageContext, report: qa.QAReport, final: np.ndarray, rate: int, script: Script,
                  manifest: VoiceManifest, spans: list[tuple[int, int]]) -> list[int]:
    """The recognizer's scores into the report (and its findings); the lines it could not hear.

    A recognizer that cannot run is no reason to hold the episode: the report says the check was skipped.
    """
    settings = ctx.config.mix.speech_check
    if not settings.enabled:
        report.speech_check = {"skipped": "turned off in config.yaml (mix.speech_check.enabled)"}
        return []
    lines = [speech_check.SpokenLine(voiced.index, line.speaker, start / rate, end / rate, line.text)
             for voiced, line, (start, end) in zip(manifest.lines, script.lines, spans)]
    try:
        heard = speech_check.check(final, rate, lines, settings, ctx.config.show.language)
    except ProviderError as exc:
        ctx.log.warning("the speech check did not run: %s", exc)
        report.speech_check = {"skipped": str(exc)}
        return []
    report.speech_check = heard.to_dict()
    report.add(heard.findings)
    ctx.log.info("speech check (%s, %.1f s): word error rate %s", heard.model, heard.seconds,
                 ", ".join(f"{host} {wer:.1%}" for host, wer in heard.host_wer.items()))
    return heard.unheard


def _expectation(ctx: StageContext, script: Script, lines: list[tuple[str, float, float]]) -> qa.Expectation:
    mix = ctx.config.mix
    words = sum(len(line.text.split()) for line in script.lines)
    return qa.Expectation(
        expected_seconds=round(words / ctx.config.script.words_per_minute * 60, 1),
        target_lufs=mix.target_lufs,
        lufs_tolerance=mix.loudness_tolerance_lu,
        true_peak_ceiling_dbtp=mix.peak_dbfs,
        max_silence_seconds=mix.max_silence_seconds,
        hosts=ctx.host_names,
        lines=lines,
    )
