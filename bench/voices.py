"""The voice stage with the shipped voices, and the speech check's own cost, side by side in one run.

The sample show's script (written once under the bench folder) is synthesized the way the voice stage
does it, cold and without the line cache: Shelby's lines alone (Kokoro), Oliver's alone (Piper), and the
whole episode with both voices, each on one core (one worker, one onnxruntime thread) and on two (two
worker processes). Each figure is seconds of synthesis per second of speech; the voices' model loading
counts. Then whisper base transcribes the mixed episode: seconds per second of episode.

`python -m bench.voices [DIR]`, or as part of `make bench`.
"""

from __future__ import annotations

import shutil
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline import artifacts, audio, runner  # noqa: E402
from pipeline.config import load_config  # noqa: E402
from pipeline.models import Script  # noqa: E402
from pipeline.text import reading  # noqa: E402
from pipeline.voice import synthesis  # noqa: E402
from pipeline.voice.engines import kokoro, piper  # noqa: E402
from tests.conftest import show_config, write_config  # noqa: E402

DAY = date(2026, 12, 4)


def _script(root: Path):
    config = load_config(write_config(root, show_config(root, shipped_voices=True)))
    if not (config.work_root / DAY.isoformat() / artifacts.SCRIPT).exists():
        runner.run_day(config, DAY, only="stories")
        runner.run_day(config, DAY, only="script")
    return config, Script.model_validate_json((config.work_root / DAY.isoformat() / artifacts.SCRIPT).read_text())


def _synthesize(config, script: Script, hosts: set[str], workers: int, folder: Path) -> tuple[float, float]:
    """(seconds of synthesis, seconds of speech) for the hosts' lines, cold: fresh models, fresh files."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    voices = {host.name: host.voice for host in config.hosts}
    jobs = [synthesis.Job(f"line {index}", voices[line.speaker].provider,
                          voices[line.speaker].parsed.model_dump(mode="json"),
                          reading.spoken(line.text, config.show.language, config.voicing.lexicon),
                          config.mix.sample_rate, folder / f"{index:03d}.wav")
            for index, line in enumerate(script.lines, start=1) if line.speaker in hosts]
    for engine in (kokoro, piper):  # cold: each run loads its models, as a fresh voice stage does
        engine._loaded.clear()
    kokoro._threads = piper._onnx_threads = 1 if workers == 1 else 0
    started = time.perf_counter()
    outcomes = synthesis.run_jobs(jobs, workers)
    elapsed = time.perf_counter() - started
    kokoro._threads = piper._onnx_threads = 0
    return elapsed, sum(outcome.seconds for outcome in outcomes)


def bench_voices(root: Path) -> dict:
    config, script = _script(root)
    both = {host.name for host in config.hosts}
    figures = {}
    for name, hosts in (("kokoro", {"Shelby"}), ("piper", {"Oliver"}), ("episode", both)):
        for workers in (1, 2):
            elapsed, speech = _synthesize(config, script, hosts, workers, root / "voices" / f"{name}-{workers}")
            figures[f"{name}_{workers}"] = (elapsed / speech, speech)
    figures["asr"] = _speech_check(config, script, root / "voices" / "episode-2")
    return figures


def _speech_check(config, script: Script, folder: Path) -> tuple[float, float]:
    """(seconds of recognition per second of audio, seconds of audio) for the episode's lines, joined."""
    import numpy as np

    from pipeline.mix import speech_check
    from pipeline.providers import recognizer

    rate, parts, lines, at = config.mix.sample_rate, [], [], 0.0
    for index, line in enumerate(script.lines, start=1):
        samples, _ = audio.read_wav(folder / f"{index:03d}.wav")
        lines.append(speech_check.SpokenLine(index, line.speaker, at, at + len(samples) / rate, line.text))
        parts += [samples, np.zeros(int(0.35 * rate), np.float32)]
        at += len(samples) / rate + 0.35
    joined = np.concatenate(parts)
    recognizer.load(config.mix.speech_check.threads or audio.cores())  # loaded once per run: not counted
    started = time.perf_counter()
    report = speech_check.check(joined, rate, lines, config.mix.speech_check, config.show.language)
    elapsed = time.perf_counter() - started
    print("speech check word error rate: " + ", ".join(f"{h} {w:.1%}" for h, w in report.host_wer.items()))
    return elapsed / (len(joined) / rate), len(joined) / rate


def rows(v: dict) -> list[tuple[str, str, str]]:
    out = [("Voices (the shipped config: Shelby Kokoro, Oliver Piper)", f"{v['episode_1'][1]:.0f} s of speech",
            "seconds of synthesis per second of speech, cold")]
    for name, label in (("kokoro", "Kokoro alone (Shelby's lines)"), ("piper", "Piper alone (Oliver's lines)"),
                        ("episode", "the whole episode, both voices")):
        one, two = v[f"{name}_1"][0], v[f"{name}_2"][0]
        goal = " (goal <= 0.12 on 2 cores)" if name == "episode" else ""
        out.append((f"  {label}", f"{one:.3f} / {two:.3f}", f"1 core / 2 cores, speedup {one / two:.2f}x{goal}"))
    out.append(("  speech check (whisper base)", f"{v['asr'][0]:.3f}", f"per second of episode, {v['asr'][1]:.0f} s (goal <= 0.1)"))
    return out


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "work" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    for name, value, note in rows(bench_voices(folder.resolve())):
        print(f"{name:<58}  {value:>16}  {note}")
