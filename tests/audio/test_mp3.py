"""The MP3 encoder: calibration, frame counting, and parts encoded side by side that join sample-exactly."""

import json

import numpy as np
import pytest

from pipeline.audio import mp3
from pipeline.errors import StageError

RATE = 44100
SETTINGS = mp3.Settings(RATE, "128k", 1, 7)


def _programme(seconds: float, seed: int = 3) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Noise 'lines' of 2-4 s with 0.4 s of digital silence between them; returns the silences too."""
    rng = np.random.default_rng(seed)
    pieces, silences, position = [], [], 0
    while position < seconds * RATE:
        line = (0.1 * rng.standard_normal(int(rng.uniform(2, 4) * RATE))).astype(np.float32)
        pieces += [line, np.zeros(int(0.4 * RATE), np.float32)]
        position += len(line)
        silences.append((position, position + int(0.4 * RATE)))
        position += int(0.4 * RATE)
    return np.concatenate(pieces), silences[:-1]


def test_the_calibration_finds_the_encoders_delay_and_level():
    calibration = mp3.calibrate(SETTINGS)
    signal = np.zeros(RATE, np.float32)
    signal[RATE // 2 : RATE // 2 + 2000] = (0.3 * np.random.default_rng(1).standard_normal(2000)).astype(np.float32)
    decoded = mp3.decode_bytes(mp3.encode_bytes(signal, SETTINGS))
    lag = int(np.argmax(np.correlate(decoded[: RATE], signal[RATE // 2 : RATE // 2 + 2000], mode="valid"))) - RATE // 2
    assert lag == calibration.priming
    assert -1.0 < calibration.gain_db < 0.0  # LAME at 128 kbps plays a little quieter
    assert len(decoded) == calibration.frames(len(signal)) * calibration.frame == (RATE // 1152 + 2) * 1152


def test_the_calibration_is_kept_on_disk_and_a_damaged_copy_is_measured_again(tmp_path):
    first = mp3.calibrate(SETTINGS, tmp_path)
    [stored] = tmp_path.glob("mp3-calibration-*.json")
    assert json.loads(stored.read_text()) == {"gain_db": first.gain_db, "priming": first.priming, "frame": 1152,
                                              "flush": 1, "frames_known": True}
    stored.write_text('{"gain_db": -0.3, "priming": 1104, "frame": 1152, "flush": 1, "frames_known": true}')
    assert mp3.calibrate(SETTINGS, tmp_path).priming == 1104  # the cache is what is used
    for damaged in ("{not json", '{"gain_db": 9.0, "priming": 1105, "frame": 1152, "flush": 1, "frames_known": true}',
                    '{"gain_db": -0.4, "priming": "1105", "frame": 1152, "flush": 1, "frames_known": true}',
                    '{"gain_db": -0.4, "priming": 1105, "frame": 0, "flush": 1, "frames_known": true}',
                    '{"gain_db": -0.4, "priming": 1105}'):
        stored.write_text(damaged)
        assert mp3.calibrate(SETTINGS, tmp_path) == first, damaged
        assert json.loads(stored.read_text())["priming"] == first.priming
    (tmp_path / "mp3-calibration-0123456789abcdef.json").write_text("{}")  # another build's, or older
    stored.unlink()
    mp3.calibrate(SETTINGS, tmp_path)
    assert [path.name for path in tmp_path.glob("mp3-calibration-*.json")] == [stored.name]


@pytest.mark.parametrize("edge", [-1, 0, 1, 1152 - 47, 1152 - 46])
def test_the_frame_rule_holds_around_a_frames_edge(edge):
    # 4460550 samples (a real episode's last part) once showed the rule one frame short.
    calibration = mp3.calibrate(SETTINGS)
    for length in (100 * 1152 + edge, 4460550):
        data = mp3.encode_bytes(np.zeros(length, np.float32), SETTINGS)
        assert mp3.count_frames(data) == (calibration.frames(length), 1152), length


@pytest.mark.parametrize("rate, bitrate, frame", [(22050, "64k", 576), (24000, "96k", 576), (48000, "192k", 1152)])
def test_other_rates_are_calibrated_and_join_too(tmp_path, rate, bitrate, frame):
    settings = mp3.Settings(rate, bitrate, 1, 7)
    calibration = mp3.calibrate(settings)
    assert calibration.frame == frame and calibration.frames_known
    assert calibration.frame * calibration.flush == 1152
    noise = (0.1 * np.random.default_rng(5).standard_normal(2 * rate)).astype(np.float32)
    samples = np.concatenate([noise[:rate], np.zeros(rate // 2, np.float32), noise[rate:]])
    [(_, seam), (following, _)] = mp3.plan_segments(len(samples), [(rate, rate + rate // 2)], 2, calibration,
                                                    margin=rate // 100)
    with mp3.ParallelEncode(tmp_path / "e.mp3", settings, calibration) as encoding:
        encoding.add(0, seam, samples[:seam])
        encoding.add(following, len(samples), samples[following:])
        frames = encoding.finish()
    joined = mp3.decode_bytes((tmp_path / "e.mp3").read_bytes())
    whole = mp3.decode_bytes(mp3.encode_bytes(samples, settings))
    assert len(joined) == frames * frame == len(whole)
    reference = np.concatenate([np.zeros(calibration.priming, np.float32), samples])
    error_joined = np.sqrt(np.mean((joined[: len(reference)] - reference) ** 2))
    error_whole = np.sqrt(np.mean((whole[: len(reference)] - reference) ** 2))
    assert error_joined < 1.1 * error_whole  # a part one frame early or late would be far off


def test_frames_are_counted_and_a_broken_stream_is_named():
    data = mp3.encode_bytes(np.zeros(RATE, np.float32), SETTINGS)
    assert mp3.count_frames(data) == (mp3.calibrate(SETTINGS).frames(RATE), 1152)
    with pytest.raises(StageError, match="cut short"):
        mp3.count_frames(data[:-100])
    with pytest.raises(StageError, match="no Layer III frame at byte 0"):
        mp3.count_frames(b"ID3" + data)


def test_seams_go_in_silences_near_equal_shares():
    calibration = mp3.calibrate(SETTINGS)
    samples, silences = _programme(60)
    ranges = mp3.plan_segments(len(samples), silences, 3, calibration, margin=441)
    assert len(ranges) == 3 and ranges[0][0] == 0 and ranges[-1][1] == len(samples)
    for part, ((start, seam), (following, _)) in enumerate(zip(ranges, ranges[1:]), start=1):
        assert any(first + 441 <= seam and following <= last - 441 for first, last in silences)
        assert following == start + calibration.frames(seam - start) * calibration.frame
        assert abs(seam - len(samples) * part / 3) < 4.4 * RATE  # the nearest pause: lines are at most 4 s
    assert mp3.plan_segments(len(samples), [], 3, calibration, margin=441) == [(0, len(samples))]
    short = [(first, first + 1500) for first, _ in silences]  # too short to hold a seam
    assert mp3.plan_segments(len(samples), short, 3, calibration, margin=441) == [(0, len(samples))]


def test_parts_encoded_side_by_side_play_like_one_encode(tmp_path):
    calibration = mp3.calibrate(SETTINGS)
    samples, silences = _programme(40)
    ranges = mp3.plan_segments(len(samples), silences, 3, calibration, margin=441)
    assert len(ranges) == 3
    with mp3.ParallelEncode(tmp_path / "joined.mp3", SETTINGS, calibration) as encoding:
        for start, end in ranges:
            encoding.add(start, end, samples[start:end])
        frames = encoding.finish()
    assert not list(tmp_path.glob(".mp3-*"))  # the parts are cleaned up
    joined = mp3.decode_bytes((tmp_path / "joined.mp3").read_bytes())
    whole = mp3.decode_bytes(mp3.encode_bytes(samples, SETTINGS))
    assert len(joined) == frames * 1152 == calibration.frames(len(samples)) * 1152
    reference = np.concatenate([np.zeros(calibration.priming, np.float32), samples])[: len(joined)]
    error_joined = np.sqrt(np.mean((joined[: len(reference)] - reference) ** 2))
    error_whole = np.sqrt(np.mean((whole[: len(reference)] - reference) ** 2))
    assert error_joined < 1.1 * error_whole  # every sample where it belongs: no shift at the seams
    for _, seam in ranges[:-1]:  # and the seams are silent: no click
        around = joined[seam + calibration.priming : seam + calibration.priming + 2 * 1152]
        assert np.abs(around).max() < 1e-3


def test_a_failing_encoder_is_reported_with_the_file(tmp_path):
    broken = mp3.Settings(RATE, "fast", 1, 7)  # ffmpeg refuses the bitrate
    with pytest.raises(StageError, match="episode.mp3: ffmpeg could not encode"):
        with mp3.ParallelEncode(tmp_path / "episode.mp3", broken, mp3.calibrate(SETTINGS)) as encoding:
            encoding.add(0, RATE, np.zeros(RATE, np.float32))
            encoding.finish()


def test_a_range_must_start_where_the_previous_ranges_frames_end(tmp_path):
    calibration = mp3.calibrate(SETTINGS)
    with mp3.ParallelEncode(tmp_path / "episode.mp3", SETTINGS, calibration) as encoding:
        with pytest.raises(ValueError, match="must start at 0"):
            encoding.add(10, RATE, np.zeros(RATE - 10, np.float32))
        encoding.add(0, RATE, np.zeros(RATE, np.float32))
        with pytest.raises(ValueError, match=f"must start at {calibration.frames(RATE) * 1152}"):
            encoding.add(RATE + 100, 2 * RATE, np.zeros(RATE - 100, np.float32))


def test_parts_that_would_not_join_exactly_are_refused(tmp_path, monkeypatch):
    calibration = mp3.calibrate(SETTINGS)
    monkeypatch.setattr(mp3.Calibration, "frames", lambda self, samples: samples // self.frame)  # one or two short
    following = calibration.frames(RATE) * 1152
    with pytest.raises(mp3.PartsMisaligned, match="would not join exactly"):
        with mp3.ParallelEncode(tmp_path / "episode.mp3", SETTINGS, calibration) as encoding:
            encoding.add(0, RATE, np.zeros(RATE, np.float32))
            encoding.add(following, following + RATE, np.zeros(RATE, np.float32))
            encoding.finish()
    assert not (tmp_path / "episode.mp3").exists()


def test_an_encoder_that_frames_differently_encodes_in_one_piece():
    unknown = mp3.Calibration(gain_db=-0.4, priming=1105, frame=1152, flush=1, frames_known=False)
    samples, silences = _programme(30)
    assert mp3.plan_segments(len(samples), silences, 3, unknown, margin=441) == [(0, len(samples))]
