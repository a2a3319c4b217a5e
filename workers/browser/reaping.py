"""No Chromium left behind, and no zombie.

A pool process's Playwright driver (node) and Chromium are its children. When the pool process
ends normally it closes them (worker_process_shutdown, atexit). Killed with SIGKILL, it cannot:
the driver then sees its pipe close and ends Chromium itself, but the processes it leaves are
orphans. The worker's main process makes itself their subreaper (PR_SET_CHILD_SUBREAPER), so
that they stay inside the worker's own process tree — and not with a PID 1 that may never reap
(in a container the worker often is PID 1) — and reaps them.

It reaps only children that are not its own pool processes: billiard waits for those itself, and
an exit status taken from it would leave it waiting for a process that is gone. A pool process
is a fork of the worker and keeps its command name; an adopted orphan ran another program.
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
from contextlib import suppress
from pathlib import Path

logger = logging.getLogger(__name__)

PR_SET_CHILD_SUBREAPER = 36
REAP_EVERY_SECONDS = 1.0


def become_subreaper() -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _command(pid: int | str) -> str:
    with suppress(OSError):
        return Path(f"/proc/{pid}/comm").read_text().strip()
    return ""


def children_of(pid: int) -> list[tuple[int, str, str]]:
    """(pid, state, command) of each child of a process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with suppress(OSError):
            stat = (entry / "stat").read_text()
            # "pid (comm) state ppid ...": the command may hold spaces and parentheses.
            state, parent = stat.rsplit(")", 1)[1].split()[:2]
            if int(parent) == pid:
                found.append((int(entry.name), state, _command(entry.name)))
    return found


def adopted_zombies() -> list[int]:
    """This process's children that have exited, were not forked from it, and wait to be
    reaped."""
    mine = _command("self")
    return [
        pid for pid, state, command in children_of(os.getpid()) if state == "Z" and command != mine
    ]


def reap_adopted() -> int:
    reaped = 0
    for pid in adopted_zombies():
        with suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
            reaped += 1
    return reaped


def reap_in_background() -> None:
    """In the worker's main process (worker_init): adopt the orphans of pool processes that
    died, and reap them every REAP_EVERY_SECONDS."""
    if not become_subreaper():
        logger.warning("could not become the subreaper of the worker's processes")

    def loop() -> None:
        while True:
            threading.Event().wait(REAP_EVERY_SECONDS)
            try:
                reap_adopted()
            except Exception:
                logger.warning("could not reap the worker's orphans", exc_info=True)

    threading.Thread(target=loop, name="reaper", daemon=True).start()
