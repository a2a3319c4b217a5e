"""One browser per process, reused by every task; a fresh context (another site session) for
each task; nothing of it left running once the browser is closed."""

import os
from pathlib import Path

import pytest

from tests.browser.conftest import applicant, task_for
from workers.browser.runtime import browser_thread, close_browser
from workers.browser.state import state_unseal

pytestmark = pytest.mark.django_db


def descendants(pid: int) -> set[int]:
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    children.setdefault(int(stat.read().rsplit(")", 1)[1].split()[1]), []).append(
                        int(entry)
                    )
            except OSError:
                continue
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_two_tasks_share_the_browser_each_in_its_own_context_and_closing_ends_it(site, driver):
    close_browser()
    sessions, drivers = [], []
    for number in range(2):
        task = task_for(applicant(), site.url + f"/greenhouse/acme-robotics/jobs/{40 + number}")
        try:
            result = driver.run_step(task, "open")
            drivers.append(browser_thread().browser_pid())
        finally:
            driver.finish(task)
        state = state_unseal(result.checkpoint["browser"]["state"])
        sessions.append([c["value"] for c in state["cookies"] if c["name"] == "board_session"])
    runtime = browser_thread()
    assert runtime.launches == 1
    assert drivers[0] == drivers[1] is not None
    assert sessions[0] != sessions[1]
    processes = {drivers[0], *descendants(drivers[0])}
    assert any("chrom" in Path(f"/proc/{pid}/comm").read_text() for pid in processes)

    close_browser()

    assert not [pid for pid in processes if alive(pid)]
