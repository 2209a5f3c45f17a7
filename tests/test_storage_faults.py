"""A work folder that cannot be written, and a disk that fills up while a run writes its artifacts or
publishes: one line naming the path, exit code 1, the published feed and earlier episodes untouched.

The full disk is the kernel's own: the temporary a file is written to is made a symlink to /dev/full,
whose every write fails with ENOSPC, so the error comes up through the real write, flush and fsync.
"""

from __future__ import annotations

import errno
import os
import tempfile
from datetime import date
from pathlib import Path

import pytest

from pipeline import files, runner
from pipeline.cli import main
from pipeline.errors import StorageError
from pipeline.publish.targets.local import LocalTarget
from tests.conftest import show_config, write_config

EARLIER, DAY = date(2026, 11, 30), date(2026, 12, 1)
FULL = "No space left on device"


@pytest.fixture
def full_disk(monkeypatch):
    """A list of names: every later write of a file called so (or starting so) hits ENOSPC while listed."""
    real_mkstemp = tempfile.mkstemp
    doomed: list[str] = []

    def mkstemp(*args, prefix="", **kwargs):
        fd, tmp = real_mkstemp(*args, prefix=prefix, **kwargs)
        if any(prefix.startswith(f".{name}") for name in doomed):
            os.close(fd)
            os.unlink(tmp)
            os.symlink("/dev/full", tmp)
            fd = os.open(tmp, os.O_WRONLY)
        return fd, tmp

    monkeypatch.setattr(files.tempfile, "mkstemp", mkstemp)
    return doomed


def _site(config) -> dict[str, bytes]:
    root = config.publish_dir
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def published_earlier(quick_config):
    assert runner.run_day(quick_config, EARLIER).outcome == "published"
    return quick_config, _site(quick_config)


@pytest.mark.parametrize("name, where", [
    ("stories.json", "work"), ("script.json", "work"), ("manifest.json", "work"), ("episode.mp3", "work"),
    ("episode.json", "work"), (f"{DAY.isoformat()}-", "feeds"), ("episodes.json", "feeds"), ("feed.xml", "feeds"),
])
def test_a_full_disk_while_writing_an_artifact_or_publishing_leaves_the_feed_as_it_was(
        published_earlier, full_disk, name, where):
    config, site_before = published_earlier
    full_disk.append(name)
    with pytest.raises(StorageError) as error:
        runner.run_day(config, DAY)
    message = str(error.value)
    assert message.startswith("cannot write ") and message.endswith(FULL) and "\n" not in message
    written = Path(message.removeprefix("cannot write ").split(": ")[0])
    assert written.name.startswith(name) and written.is_relative_to(config.publish_dir if where == "feeds"
                                                                    else config.work_root / DAY.isoformat())
    site_after = _site(config)
    assert site_after.get("feed.xml") == site_before["feed.xml"], "the published feed is byte-identical"
    assert set(site_before) <= set(site_after), "nothing published earlier is gone"
    # The web pages go up before the index and the feed (so the index never records a page that is not
    # there): a disk that fills at the index or the feed leaves the pages showing the new episode already.
    pages_ahead = name in ("episodes.json", "feed.xml")
    assert {k: v for k, v in site_after.items() if k in site_before and k != "episodes.json"
            and not (pages_ahead and k.endswith(".html"))} == {
        k: v for k, v in site_before.items() if k != "episodes.json"
        and not (pages_ahead and k.endswith(".html"))}, "earlier episodes untouched"
    earlier_page = site_after[f"episodes/{EARLIER.isoformat()}.html"].decode()
    earlier_audio = next(k for k in site_before if k.startswith(f"episodes/{EARLIER.isoformat()}-") and k.endswith(".mp3"))
    assert earlier_audio.removeprefix("episodes/") in earlier_page, "the earlier page still plays its episode"
    assert not list(config.publish_dir.rglob(".*.tmp")) and not list(config.work_root.rglob(".*.tmp"))
    last = runner.history(config, DAY)[-1]
    assert last["outcome"] == "failed" and FULL in last["error"]

    full_disk.clear()  # the disk has room again: a rerun of the day publishes both episodes
    assert runner.run_day(config, DAY).outcome == "published"
    feed = _site(config)["feed.xml"].decode()
    assert feed.count("<item>") == 2 and earlier_audio in feed


def test_a_target_that_reports_a_full_disk_fails_the_run_with_one_line(published_earlier, monkeypatch, capsys):
    config, site_before = published_earlier

    def put(self, upload):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(LocalTarget, "put", put)
    assert main(["--config", str(config.path), "run", "--date", DAY.isoformat()]) == 1
    err = capsys.readouterr().err
    assert err == f"error: cannot write {config.publish_dir}: {FULL}\n"
    assert _site(config) == site_before
    assert not (config.work_root / DAY.isoformat() / "published.json").exists()


def _unwritable_work_dir(tmp_path: Path, how: str) -> Path:
    if how == "a file where a folder should be":
        (tmp_path / "taken").write_text("not a folder")
        return tmp_path / "taken" / "work"
    if os.geteuid() == 0:
        pytest.skip("root writes into a read-only folder anyway")
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o555)
    return folder / "work"


@pytest.mark.parametrize("how", ["a file where a folder should be", "a read-only folder"])
def test_an_unwritable_work_dir_is_one_line_naming_it_and_exit_1(tmp_path, tone_voices, capsys, how):
    work = _unwritable_work_dir(tmp_path, how)
    data = show_config(tmp_path, hosts=tone_voices)
    data["work_dir"] = str(work)
    path = write_config(tmp_path, data)
    assert main(["--config", str(path), "run", "--date", DAY.isoformat()]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot write {work}") and err.count("\n") == 1, err
    assert not (tmp_path / "feeds").exists(), "nothing published"


def test_the_next_run_of_a_day_removes_the_temporaries_a_killed_run_left(quick_config, tmp_path):
    import signal
    import subprocess
    import sys

    from tests.conftest import REPO

    work = quick_config.work_root / DAY.isoformat()
    other_day = quick_config.work_root / "2026-12-02"
    # A writer killed halfway, through the real atomic writer: it leaves its 0-byte temporary.
    writer = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from pipeline import files\n"
        "held = [files.atomic_path(Path(name)) for name in sys.argv[1:]]\n"
        "for writing in held:\n"
        "    writing.__enter__()\n"
        "print('ready', flush=True); time.sleep(60)"),
        str(work / "episode.mp3"), str(work / "lines" / "003-shelby.wav"), str(other_day / "episode.mp3")],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    left = sorted(p.name.split(".tmp")[0].rsplit(".", 1)[0] for p in quick_config.work_root.rglob(".*.tmp"))
    assert left == [".003-shelby.wav", ".episode.mp3", ".episode.mp3"]
    assert all(p.stat().st_size == 0 for p in quick_config.work_root.rglob(".*.tmp"))
    review_write = work / ".review.json.k3x9.tmp"  # `dailycast hold` writes without the run's lock
    review_write.write_text("{}")

    assert runner.run_day(quick_config, DAY).outcome == "published"
    assert [p for p in work.rglob(".*.tmp")] == [review_write]
    assert len(list(other_day.glob(".episode.mp3.*.tmp"))) == 1, "another day's folder is not this run's"
