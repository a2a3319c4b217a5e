"""A pool process killed with SIGKILL cannot close its browser: its Playwright driver sees its
pipe close and ends Chromium, and the worker's main process, their subreaper, reaps what is
left. Played here by a process of the test's own (the worker's main process: a subreaper that
reaps) and its child (the pool process, which starts the browser and is killed)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

POOL_PROCESS = """
import time
import django
django.setup()
from workers.browser.runtime import browser_thread
runtime = browser_thread()
runtime.run(lambda browser: browser.new_context().close())
print(runtime.browser_pid(), flush=True)
time.sleep(120)
"""

WORKER = """
import json, os, signal, subprocess, sys, time
import django
django.setup()
from workers.browser.reaping import become_subreaper, children_of, reap_adopted

def tree(pid):
    found, todo = set(), [pid]
    while todo:
        for child, _, _ in children_of(todo.pop()):
            found.add(child)
            todo.append(child)
    return found

assert become_subreaper()
pool = subprocess.Popen([sys.executable, "-c", sys.argv[1]], stdout=subprocess.PIPE, text=True)
driver = int(pool.stdout.readline())
browser = {driver} | tree(driver)
os.kill(pool.pid, signal.SIGKILL)
pool.wait()
deadline = time.monotonic() + 15
while time.monotonic() < deadline:
    reap_adopted()
    left = [pid for pid in browser if os.path.exists(f"/proc/{pid}")]
    if not left:
        break
    time.sleep(0.1)
print(json.dumps({"browser": len(browser), "left": left, "children": children_of(os.getpid())}))
"""


def test_a_killed_pool_process_leaves_neither_chromium_nor_zombies():
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    finished = subprocess.run(
        [sys.executable, "-c", WORKER, POOL_PROCESS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert finished.returncode == 0, finished.stderr
    outcome = json.loads(finished.stdout.strip().splitlines()[-1])
    assert outcome["browser"] >= 2
    assert outcome["left"] == []
    assert outcome["children"] == []
