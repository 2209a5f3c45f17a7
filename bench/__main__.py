"""`make bench`: the audio path measured against its baselines, side by side in one run.

1. Mix: mixing, normalizing and encoding a 6-minute episode from its line WAVs (the mix stage as the
   pipeline runs it: layout, music, the mastering plan, render, encode, QA gate, ID3, side files),
   against (a) the naive pydub loop most generators use (`episode += line + pause`, then `export`, no
   loudness work) and (b) a bare ffmpeg MP3 encode of the already-joined audio at the same settings:
   the floor.
2. Synthesis: real-time factor of the bundled Piper voice on one core, and on both cores as
   onnxruntime threads (one process) and as two worker processes (one thread each).
3. The whole pipeline on the bundled samples (the CLI, cold, no line cache, both hosts on Piper and no speech check) against the synthesis
   of its lines alone, in the same run: a fresh process that only loads the config and synthesizes
   the same lines the way the voice stage does (same workers), so interpreter start-up, the voice's
   imports and model loading count as synthesis on both sides.
4. The shipped voices (bench/voices.py): Kokoro alone, Piper alone and the whole episode, 1 vs 2 cores,
   and the speech check's own cost.

Timings on a shared machine are noisy: each figure is the best of `--repeat` runs, and the load
average is printed before and after. Usage: python -m bench [--repeat N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import date, datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline import (
    artifacts,
    audio,  # noqa: E402
)
from pipeline.config import load_config  # noqa: E402
from pipeline.context import StageContext  # noqa: E402
from pipeline.mix import stage as mix  # noqa: E402
from pipeline.models import Script, VoicedLine, VoiceManifest  # noqa: E402
from pipeline.voice.engines import piper as tts_piper  # noqa: E402
from pipeline.voice import synthesis  # noqa: E402
from tests.conftest import show_config, write_config  # noqa: E402

from bench import voices  # noqa: E402

DAY = date(2026, 11, 30)
LONG_DAY = date(2026, 11, 29)
EPISODE_SECONDS = 360


def best(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def load() -> str:
    return "/".join(f"{value:.2f}" for value in os.getloadavg())


def prepare(root: Path):
    """The sample show voiced once (cached under root across bench runs) and a 6-minute day built from it:
    (config, the long day's folder)."""
    data = show_config(root)
    data["work_dir"] = str(root / "work")
    config = load_config(write_config(root, data))
    work = config.work_root / DAY.isoformat()
    if not (work / "lines/manifest.json").exists():
        subprocess.run([str(REPO / ".venv/bin/dailycast"), "--config", str(root / "config.yaml"), "run", "--date",
                        DAY.isoformat()], check=True, capture_output=True)
    script = Script.model_validate_json((work / "script.json").read_text())
    manifest = VoiceManifest.model_validate_json((work / "lines/manifest.json").read_text())

    # The 6-minute day: the same lines again and again (as a second and third story) until 6 minutes.
    long = config.work_root / LONG_DAY.isoformat()
    shutil.rmtree(long, ignore_errors=True)
    (long / "lines").mkdir(parents=True)
    pairs = list(zip(script.lines, manifest.lines))
    first_story = next(i for i, (line, _) in enumerate(pairs) if line.story is not None)
    last_story = max(i for i, (line, _) in enumerate(pairs) if line.story is not None)
    greeting, body, sign_off = pairs[:first_story], pairs[first_story : last_story + 1], pairs[last_story + 1 :]
    lines, voiced, rounds = [], [], 0

    def add(line, voice, story):
        index = len(lines) + 1
        name = f"{index:03d}-{voice.speaker.lower()}.wav"
        shutil.copyfile(work / "lines" / voice.file, long / "lines" / name)
        lines.append(line.model_copy(update={"story": story}))
        voiced.append(VoicedLine(index=index, speaker=voice.speaker, file=name, seconds=voice.seconds))

    for line, voice in greeting:
        add(line, voice, None)
    total = sum(voice.seconds for _, voice in pairs)
    while sum(v.seconds for v in voiced) + (total - sum(v.seconds for _, v in body)) < EPISODE_SECONDS or not rounds:
        for line, voice in body:  # the day's stories again, as new stories
            add(line, voice, line.story + 2 * rounds)
        rounds += 1
    for line, voice in sign_off:
        add(line, voice, None)
    stories = json.loads((work / "stories.json").read_text())
    stories["stories"] = [stories["stories"][i % len(stories["stories"])] for i in range(2 * rounds)]
    (long / "stories.json").write_text(json.dumps(stories))
    (long / "script.json").write_text(script.model_copy(update={"lines": lines}).model_dump_json())
    (long / "lines/manifest.json").write_text(manifest.model_copy(update={"lines": voiced}).model_dump_json())
    return config, long


def bench_mix(config, long: Path, repeat: int) -> dict:
    # The long episode repeats the sample stories on purpose: voice it even though the script checks object.
    ctx = StageContext(config=config, date=LONG_DAY, now=datetime.now(timezone.utc), accept_script=True)
    manifest = VoiceManifest.model_validate_json((long / "lines/manifest.json").read_text())
    settings = config.mix
    mix.run(ctx)  # warm: imports, the encoder's calibration, the music, the cover
    totals = []
    for _ in range(repeat):
        started = time.perf_counter()
        episode = mix.run(ctx)
        totals.append(time.perf_counter() - started)
    ours = min(totals)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pydub import AudioSegment
    AudioSegment.converter = audio.ffmpeg()
    script = Script.model_validate_json((long / "script.json").read_text())
    out = Path(tempfile.mkdtemp())

    def naive():
        episode = AudioSegment.empty()
        for number, line in enumerate(manifest.lines):
            pause = mix.pause_ms(settings, script.lines[number - 1], script.lines[number]) if number else 0
            episode += AudioSegment.silent(duration=pause, frame_rate=manifest.sample_rate)
            episode += AudioSegment.from_wav(str(long / "lines" / line.file))
        episode.export(str(out / "naive.mp3"), format="mp3", bitrate=settings.bitrate)

    naive_seconds = best(repeat, naive)

    # The floor: the final episode's samples, already joined, through a bare ffmpeg encode.
    samples, rate = audio.decode(long / artifacts.EPISODE_AUDIO)
    audio.write_wav(out / "joined.wav", samples, rate)
    floor_command = [audio.ffmpeg(), "-v", "error", "-y", "-i", str(out / "joined.wav"), "-c:a", "libmp3lame",
                     "-b:a", settings.bitrate, "-compression_level", str(settings.mp3_quality), str(out / "floor.mp3")]
    floor = best(repeat, lambda: subprocess.run(floor_command, check=True))
    floor_default_q = best(repeat, lambda: subprocess.run(
        [c for c in floor_command if c not in ("-compression_level", str(settings.mp3_quality))], check=True))
    shutil.rmtree(out)
    return {"episode_seconds": episode.seconds, "ours": ours, "naive": naive_seconds,
            "floor": floor, "floor_lame_default_q": floor_default_q, "lufs": episode.loudness_lufs,
            "true_peak": episode.true_peak_dbtp}


SENTENCES = [
    "Norvik Energy opened its first large-scale battery factory in Trondheim on Wednesday.",
    "The company expects eighteen hundred people to work there by the end of next year.",
    "That is a big number for a town that size. What does it mean for prices?",
    "Analysts say cells made in Europe could cost about ten percent more than imports.",
    "Shipping and tariffs narrow that gap, and regulators in Brussels want local production anyway.",
    "Larkspur Labs released Meridian 2, an open-source language model with fourteen billion parameters.",
    "It runs on a single graphics card, which puts it within reach of universities and small companies.",
    "The license allows commercial use, with a clause that forbids training competing models on its output.",
]


def bench_synthesis(root: Path, repeat: int) -> dict:
    """RTF of the bundled voice: one core; two cores as onnxruntime threads; two cores as processes."""
    rate = 44100
    options = tts_piper.PiperOptions().model_dump(mode="json")
    texts = SENTENCES * 2
    folder = root / "rtf"
    folder.mkdir(exist_ok=True)

    def jobs():
        return [synthesis.Job(f"s{i}", "piper", options, text, rate, folder / f"{i}.wav") for i, text in enumerate(texts)]

    def run(workers: int, threads: int) -> float:
        tts_piper._onnx_threads = threads
        synthesis.run_jobs(jobs()[:2], 1 if workers == 1 else workers)  # warm: load the voice
        elapsed = best(repeat, lambda: synthesis.run_jobs(jobs(), workers))
        return elapsed

    one = run(1, 1)
    audio_seconds = sum(audio.read_wav(path)[0].size for path in folder.glob("*.wav")) / rate
    threads = run(1, 0)  # onnxruntime's default: one intra-op thread per core
    processes = run(2, 1)
    tts_piper._onnx_threads = 0
    return {"audio_seconds": audio_seconds, "rtf_one": one / audio_seconds, "rtf_threads": threads / audio_seconds,
            "rtf_processes": processes / audio_seconds}


def bench_pipeline(root: Path) -> dict:
    """The CLI on the samples, cold and without the line cache, against synthesizing its lines alone."""
    folder = root / "pipeline"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    data = show_config(folder, voicing={"cache": False})
    config_path = write_config(folder, data)
    started = time.perf_counter()
    subprocess.run([str(REPO / ".venv/bin/dailycast"), "--config", str(config_path), "run", "--date", DAY.isoformat()],
                   check=True, capture_output=True)
    whole = time.perf_counter() - started
    record = json.loads((folder / "work" / DAY.isoformat() / "runs.jsonl").read_text().splitlines()[-1])
    stages = {stage["stage"]: stage["seconds"] for stage in record["stages"]}

    alone_command = [sys.executable, "-m", "bench.synthesis_alone", str(config_path),
                     str(folder / "work" / DAY.isoformat() / "script.json"), str(folder / "alone")]
    started = time.perf_counter()
    subprocess.run(alone_command, check=True, cwd=REPO)
    alone = time.perf_counter() - started
    return {"whole": whole, "synthesis_alone": alone, "stages": stages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=REPO / "work" / "bench", help="Where the voiced samples are kept.")
    args = parser.parse_args()
    root = args.keep.resolve()
    root.mkdir(parents=True, exist_ok=True)
    print(f"load average before (1/5/15 min): {load()}  cores: {audio.cores()}", flush=True)
    config, long = prepare(root)
    m = bench_mix(config, long, args.repeat)
    print(f"load average after the mix bench: {load()}", flush=True)
    s = bench_synthesis(root, args.repeat)
    print(f"load average after the synthesis bench: {load()}", flush=True)
    p = bench_pipeline(root)
    print(f"load average after the pipeline bench: {load()}", flush=True)
    v = voices.bench_voices(root)
    print(f"load average after: {load()}\n")

    rows = [
        ("Mix", f"{m['episode_seconds']:.0f} s episode", ""),
        ("  ours: the mix stage (mastering, encode, QA, ID3, side files)", f"{m['ours']:.2f} s", ""),
        ("  (a) naive pydub loop + export", f"{m['naive']:.2f} s", f"naive / ours = {m['naive'] / m['ours']:.2f} (goal >= 2)"),
        ("  (b) bare ffmpeg encode, same settings", f"{m['floor']:.2f} s",
         f"ours {m['ours'] / m['floor']:.2f}x the floor (goal <= 1.3)"),
        ("  (b') bare ffmpeg encode, LAME's default -q", f"{m['floor_lame_default_q']:.2f} s", ""),
        ("  final MP3", f"{m['lufs']:.1f} LUFS, {m['true_peak']:.1f} dBTP", ""),
        ("Synthesis (bundled voice)", f"{s['audio_seconds']:.0f} s of speech", ""),
        ("  RTF, 1 core", f"{s['rtf_one']:.3f}", ""),
        ("  RTF, 2 cores as onnxruntime threads", f"{s['rtf_threads']:.3f}", f"speedup {s['rtf_one'] / s['rtf_threads']:.2f}x"),
        ("  RTF, 2 cores as 2 processes", f"{s['rtf_processes']:.3f}", f"speedup {s['rtf_one'] / s['rtf_processes']:.2f}x (goal >= 1.7)"),
        ("Whole pipeline (CLI, cold, no cache)", f"{p['whole']:.2f} s", ", ".join(f"{k} {v:.2f}" for k, v in p["stages"].items())),
        ("  synthesis of its lines alone", f"{p['synthesis_alone']:.2f} s", ""),
        ("  everything but synthesis", f"{p['whole'] - p['synthesis_alone']:.2f} s",
         f"{(p['whole'] - p['synthesis_alone']) / p['synthesis_alone'] * 100:.0f}% of synthesis (goal < 25%)"),
        *voices.rows(v),
    ]
    width = max(len(row[0]) for row in rows)
    value_width = max(len(row[1]) for row in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>{value_width}}  {note}")


if __name__ == "__main__":
    main()
