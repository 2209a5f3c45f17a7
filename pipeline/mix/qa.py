"""The QA gate on the final episode, before anything is published.

It checks what a producer would listen for: too short, a dead gap inside the speech, clipping, a
host who never speaks, loudness or true peak off target. The mix runs it on the samples it hands the
MP3 encoder, while they encode. `measure` adds the encoder's measured level offset, so the loudness
is the MP3's (ffmpeg reads the MP3 within 0.05 LU of it); the true peak is the samples' own plus that
offset, and the mix keeps a margin under the ceiling for what MP3 coding adds to peaks. Every
finding is collected (not just the first) and written to qa.json either way; the mix stage raises
QAError when there is any, so episode.json is never written for a rejected episode and publish
cannot run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from pipeline.audio import loudness

FRAME_SECONDS = 0.05
SILENCE_DBFS = -55.0  # a frame quieter than this is silence (speech at -19 LUFS sits 30+ dB above it)
CLIP_LEVEL = 32760 / 32768
CLIP_RUN = 3  # this many full-scale samples in a row: clipped, not a peak
MISSING_BELOW_DB = 15.0  # a host whose every line is this far under the show's lines is missing (the ducked bed: ~24)


@dataclass(frozen=True)
class Expectation:
    """What the episode should be, from the script, the timeline and the config."""

    expected_seconds: float
    target_lufs: float
    lufs_tolerance: float
    true_peak_ceiling_dbtp: float
    max_silence_seconds: float
    hosts: list[str]
    lines: list[tuple[str, float, float]]  # (speaker, start, end) in the final mix


@dataclass
class QAReport:
    passed: bool
    seconds: float
    integrated_lufs: float
    true_peak_dbtp: float
    loudness_range_lu: float
    longest_silence_seconds: float
    clipped_runs: int
    host_levels_dbfs: dict[str, float] = field(default_factory=dict)  # each host's loudest line (median level)
    findings: list[str] = field(default_factory=list)
    expectation: dict = field(default_factory=dict)
    speech_check: dict = field(default_factory=dict)  # pipeline.mix.speech_check: each host's and line's WER

    def add(self, findings: list[str]) -> None:
        self.findings += findings
        self.passed = not self.findings

    def to_dict(self) -> dict:
        return asdict(self)


def measure(samples: np.ndarray, rate: int, channels: int, encoder_gain_db: float) -> loudness.Reading:
    """Loudness and loudness range of `samples` as the MP3 made from them will play, and their true
    peak moved by the encoder's level offset."""
    steps = loudness.step_mean_squares(samples, rate)
    return loudness.Reading(integrated_lufs=round(loudness.gated_loudness(steps, channels) + encoder_gain_db, 2),
                        true_peak_dbtp=round(loudness.true_peak_dbtp(samples) + encoder_gain_db, 2),
                        loudness_range_lu=round(loudness.loudness_range(steps, channels), 1))


def evaluate(samples: np.ndarray, rate: int, reading: loudness.Reading, expect: Expectation) -> QAReport:
    seconds = len(samples) / rate
    findings = []
    if seconds < 0.5 * expect.expected_seconds:
        findings.append(f"too short: {seconds:.1f} s, less than half the expected {expect.expected_seconds:.0f} s")

    frame = max(1, int(FRAME_SECONDS * rate))
    frames = len(samples) // frame
    blocks = np.asarray(samples[: frames * frame], np.float32).reshape(frames, frame)
    with np.errstate(divide="ignore"):
        level = 10 * np.log10(np.einsum("ij,ij->i", blocks, blocks).astype(np.float64) / frame)
    loud = level > SILENCE_DBFS
    longest, at = _longest_inner_silence(loud)
    longest_seconds = longest * FRAME_SECONDS
    if longest_seconds > expect.max_silence_seconds:
        findings.append(f"silence of {longest_seconds:.1f} s inside the speech at {at * FRAME_SECONDS:.1f} s "
                        f"(limit {expect.max_silence_seconds:g} s)")

    clipped_runs = _clipped_runs(samples)
    if clipped_runs:
        findings.append(f"clipping: {clipped_runs} runs of {CLIP_RUN}+ full-scale samples")

    # A line is there when it sits near the show's speech level; music alone under it is far below.
    line_levels = [_median_level(level, start, end) for _, start, end in expect.lines]
    by_host = [[lvl for (speaker, _, _), lvl in zip(expect.lines, line_levels) if speaker == host] for host in expect.hosts]
    reference = max((float(np.median(levels)) for levels in by_host if levels), default=SILENCE_DBFS)
    for host, levels in zip(expect.hosts, by_host):
        if not levels:
            findings.append(f"host {host} has no lines in the episode")
        elif max(levels) < max(SILENCE_DBFS, reference - MISSING_BELOW_DB):
            findings.append(f"host {host}: all {len(levels)} lines are missing from the audio "
                            f"(at most {max(levels):.0f} dBFS against {reference:.0f} dBFS for the show's lines)")

    if not np.isfinite(reading.integrated_lufs) or abs(reading.integrated_lufs - expect.target_lufs) > expect.lufs_tolerance:
        findings.append(f"loudness {reading.integrated_lufs:.1f} LUFS, target {expect.target_lufs:g} "
                        f"± {expect.lufs_tolerance:g}")
    if reading.true_peak_dbtp > expect.true_peak_ceiling_dbtp:
        findings.append(f"true peak {reading.true_peak_dbtp:.1f} dBTP, above the ceiling "
                        f"{expect.true_peak_ceiling_dbtp:g} dBTP")

    return QAReport(
        passed=not findings, seconds=round(seconds, 3), integrated_lufs=reading.integrated_lufs,
        true_peak_dbtp=reading.true_peak_dbtp, loudness_range_lu=reading.loudness_range_lu,
        longest_silence_seconds=round(longest_seconds, 2), clipped_runs=clipped_runs,
        host_levels_dbfs={host: round(max(levels), 1) for host, levels in zip(expect.hosts, by_host) if levels},
        findings=findings,
        expectation={k: v for k, v in asdict(expect).items() if k != "lines"},
    )


def _longest_inner_silence(loud: np.ndarray) -> tuple[int, int]:
    """The longest run of quiet frames between the first and the last loud one: (frames, start frame)."""
    indices = np.flatnonzero(loud)
    if len(indices) < 2:
        return 0, 0
    gaps = np.diff(indices) - 1
    worst = int(np.argmax(gaps))
    return int(gaps[worst]), int(indices[worst] + 1)


def _clipped_runs(samples: np.ndarray) -> int:
    hot = np.abs(samples) >= CLIP_LEVEL
    if not hot.any():
        return 0
    edges = np.diff(np.concatenate([[0], hot.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return int(np.sum(ends - starts >= CLIP_RUN))


def _median_level(level: np.ndarray, start: float, end: float) -> float:
    frames = level[int(start / FRAME_SECONDS) : max(int(start / FRAME_SECONDS) + 1, int(end / FRAME_SECONDS))]
    return float(np.median(np.maximum(frames, -200.0))) if len(frames) else -200.0  # digital silence: -inf
