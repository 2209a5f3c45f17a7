"""Synthesizing many lines: a cache keyed by what makes the audio, and all cores for what is missing.

A line's audio depends on the provider, the voice, its options, the text and the show's sample rate,
and on nothing else; the cache file is named by a hash of exactly those. A producer who edits one
line of script.json and reruns gets one synthesis, not forty.

Missing lines are spread over worker processes, one per core (each voice loaded once per worker,
onnxruntime on one thread each). On the bare voice two processes and onnxruntime's own two threads
are level (1.67-1.77x and 1.70-1.84x one core in `make bench`); on the show's lines processes make
the whole pipeline 8% faster, since one line's resampling runs while the other worker synthesizes.
With `voicing.workers: 1` everything runs in this process, onnxruntime on all cores.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import multiprocessing
import os
import shutil
import signal
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from pipeline import files
from pipeline.audio import cores, resample, wav_length, write_wav
from pipeline.errors import ProviderError
from pipeline.voice.engines import VOICES, Voice

CACHE_VERSION = 1  # bump when the processing below changes what a cached file holds
TRIM_BELOW_PEAK_DB = 45.0  # leading/trailing frames this far under the line's loudest are silence
TRIM_MARGIN_SECONDS = 0.02
_FRAME_SECONDS = 0.01


@dataclass(frozen=True)
class Job:
    """One line to synthesize into `target` (a WAV at `rate`); if its voice fails, `fallback` instead."""

    label: str  # "line 7 (Shelby)": how errors name the line
    provider: str
    options: dict  # the provider's options, as JSON-able values: they cross to worker processes
    text: str  # what the voice says (pipeline.text.reading): numbers and units written out
    rate: int
    target: Path
    fallback: Job | None = None  # the host's fallback voice, into its own target (a cache file of its own)


@dataclass(frozen=True)
class Outcome:
    seconds: float
    target: Path  # where the line's audio is: the job's target, or its fallback's
    fell_back: str = ""  # why the fallback voice spoke the line, if it did


def cache_key(provider: str, voice: Voice, text: str, rate: int) -> str:
    """`provider` is the registry name from config.yaml (what a worker builds the voice from)."""
    identity = {
        "version": CACHE_VERSION,
        "provider": provider,
        "voice": voice.describe(),
        "options": voice.options.model_dump(mode="json"),
        "text": text,
        "rate": rate,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode("utf-8")).hexdigest()


def trim_silence(samples: np.ndarray, rate: int) -> np.ndarray:
    """Cuts the voice's own leading and trailing silence: the mix decides the pauses, to the millisecond."""
    frame = max(1, int(_FRAME_SECONDS * rate))
    frames = len(samples) // frame
    if frames < 3:
        return samples
    with np.errstate(divide="ignore"):
        level = 10 * np.log10(np.square(samples[: frames * frame].astype(np.float64)).reshape(frames, frame).mean(axis=1))
    loud = np.flatnonzero(level > level.max() - TRIM_BELOW_PEAK_DB)
    if not len(loud):
        return samples
    margin = int(TRIM_MARGIN_SECONDS * rate)
    return samples[max(0, loud[0] * frame - margin): min(len(samples), (loud[-1] + 1) * frame + margin)]


def render(voice: Voice, text: str, rate: int) -> np.ndarray:
    spoken = voice.synthesize(text)
    samples = trim_silence(resample(np.asarray(spoken.samples, np.float32), spoken.sample_rate, rate), rate)
    if not len(samples) or not np.any(samples):
        raise ProviderError(f"{voice.describe()} returned no audio")
    return samples


_worker_voices: dict[tuple[str, str], Voice] = {}


def _prepare_worker(parent: int) -> None:
    _die_with_parent(parent)
    _worker_voices.clear()
    for provider in VOICES.values():
        prepare = getattr(provider, "prepare_worker", None)
        if prepare:
            prepare()


def _die_with_parent(parent: int) -> None:
    """A worker must not outlive the run: after a kill -9 of the run, an orphaned worker would keep
    burning a core and hold the inherited run lock, so the rerun could not take it over."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _run(job: Job, voices: dict | None = None) -> Outcome:
    """Synthesizes one job into its target file, or its fallback into the fallback's when the voice fails.

    `voices` holds the voices built so far (one per provider and options); in a worker process,
    the worker's own.
    """
    voices = _worker_voices if voices is None else voices
    try:
        samples = render(_voice(job, voices), job.text, job.rate)
    except ProviderError as exc:
        if job.fallback is None:
            raise ProviderError(f"{job.label}: {exc}") from None
        if job.fallback.target.exists():  # the fallback's audio of this line is in the cache
            return Outcome(wav_length(job.fallback.target) / job.rate, job.fallback.target, str(exc))
        return Outcome(_run(job.fallback, voices).seconds, job.fallback.target, str(exc))
    with files.atomic_path(job.target) as tmp:
        write_wav(tmp, samples, job.rate)
    return Outcome(len(samples) / job.rate, job.target)


def _voice(job: Job, voices: dict) -> Voice:
    key = (job.provider, json.dumps(job.options, sort_keys=True))
    if key not in voices:
        provider = VOICES[job.provider]
        voices[key] = provider(provider.Options.model_validate(job.options))
    return voices[key]


def run_jobs(jobs: list[Job], workers: int, between: Callable[[], None] | None = None) -> list[Outcome]:
    """Every job, in `workers` processes (or here, for one worker or one job); an outcome per job, in order.

    `between` is called before each job here, or after each finished job in the pool; whatever it
    raises stops the work (jobs not yet started are cancelled) and is raised.
    """
    if workers <= 1 or len(jobs) <= 1:
        voices: dict = {}
        seconds = []
        for job in jobs:
            if between:
                between()
            seconds.append(_run(job, voices))
        return seconds
    # The workers resample with scipy.signal: imported here, before the fork, it costs one import
    # (0.7 s) instead of one per worker, and the mix stage after them finds it loaded.
    importlib.import_module("scipy.signal")

    # fork: the workers inherit the provider registry as it is (tests register fakes in it).
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=context, initializer=_prepare_worker,
                             initargs=(os.getpid(),)) as pool:
        # The costliest line first (its length times its voice's relative cost), so no worker is left
        # with a long line at the end; lines of both hosts are in flight at once.
        order = sorted(range(len(jobs)), key=lambda i: -expected_cost(jobs[i]))
        futures = {pool.submit(_run, jobs[i]): i for i in order}
        results = {}
        try:
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if between and len(results) < len(jobs):
                    between()
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [results[i] for i in range(len(jobs))]


def expected_cost(job: Job) -> float:
    return len(job.text) * getattr(VOICES.get(job.provider), "relative_cost", 1.0)


def default_workers() -> int:
    return cores()


def place(cached: Path, target: Path) -> None:
    """The cached file at `target`: a hard link where the file system allows it, else a copy."""
    with files.atomic_path(target) as tmp:
        tmp.unlink()
        try:
            os.link(cached, tmp)
        except OSError:
            shutil.copyfile(cached, tmp)
