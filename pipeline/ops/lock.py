"""One run per show and date: a lock file holding the owner's pid and start time.

The lock itself is an flock(2) on the file, which the kernel releases when its owner dies however it
dies (kill -9 included); the pid and start time inside are for people and for the log. A lock file
left by a dead owner is therefore free, and the next run takes it over and says whose it was.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline import clock
from pipeline.errors import DailycastError

log = logging.getLogger("dailycast")
POLL_SECONDS = 0.2


class LockedError(DailycastError):
    """Another run holds the lock for this day."""


@dataclass(frozen=True)
class Owner:
    pid: int
    started: str
    host: str = ""

    @property
    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # someone else's process: alive
            return True
        return True


class RunLock:
    """`with RunLock(path, wait_seconds=60):` the body runs alone; LockedError if the wait runs out."""

    def __init__(self, path: Path, wait_seconds: float = 0.0) -> None:
        self.path = path
        self.wait_seconds = wait_seconds
        self.took_over: Owner | None = None  # the dead owner of a stale lock file, if there was one
        self._fd: int | None = None

    def __enter__(self) -> "RunLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait_seconds
        waited = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    owner = read_owner(self.path)
                    os.close(fd)
                    who = f"pid {owner.pid}, started {owner.started}" if owner else "unknown owner"
                    raise LockedError(
                        f"another run is making this day ({who}); lock file {self.path}. "
                        "Wait for it to finish, or pass --wait SECONDS"
                    ) from None
                if not waited:
                    log.info("waiting up to %.0f s for the run holding %s", self.wait_seconds, self.path)
                    waited = True
                time.sleep(POLL_SECONDS)
        previous = read_owner(self.path)
        if previous is not None and previous.pid != os.getpid():
            self.took_over = previous
            state = "dead" if not previous.alive else "no longer holding it"
            log.warning("taking over a stale lock from pid %d (started %s, %s)", previous.pid, previous.started, state)
        me = Owner(pid=os.getpid(), started=clock.now().isoformat(timespec="seconds"), host=socket.gethostname())
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me.__dict__).encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc_info) -> None:
        if self._fd is None:
            return
        # Empty the file before unlocking: an empty lock file is a cleanly finished run, not a crash.
        os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None


def read_owner(path: Path) -> Owner | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "null")
        return Owner(pid=int(data["pid"]), started=str(data["started"]), host=str(data.get("host", "")))
    except (OSError, ValueError, TypeError, KeyError):
        return None
