"""The Celery worker and beat write their logs through Django's LOGGING, in the same line format
as the web process, instead of replacing the root logger's handler with Celery's own."""

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# asctime, level, logger name, message: the format of config/logging.py, not Celery's
# "[2026-01-05 10:00:00,123: INFO/MainProcess] ...".
def project_line(logger: str, message: str) -> str:
    return rf"^\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d,\d{{3}} INFO {logger} {message}$"


def _run_until(command: list[str], line: str, log: Path, timeout: float = 60.0) -> str:
    """Start `command`, wait for a line matching `line` in what it writes, stop it, and return
    all it wrote."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "PYTHONUNBUFFERED": "1",
        # Nothing falls due while beat runs here.
        "STALE_SWEEP_SECONDS": "86400",
        "APPROVAL_SWEEP_SECONDS": "86400",
        "RECONCILE_SWEEP_SECONDS": "86400",
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + timeout
        while not re.search(line, log.read_text(), re.MULTILINE):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return log.read_text()


def test_a_worker_logs_in_the_projects_format(tmp_path):
    # Its own queue, so that it takes none of the tests' messages.
    name = f"logging-{uuid.uuid4().hex[:8]}"
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo"]
    command += ["-Q", name, "-n", f"{name}@%h", "--loglevel", "INFO"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]

    ready = project_line(r"celery\.apps\.worker", rf"{name}@\S+ ready\.")
    written = _run_until(command, ready, tmp_path / "worker.log")

    assert not re.search(r"^\[\d{4}-\d\d-\d\d [\d:,]+: \w+/", written, re.MULTILINE), written


def test_beat_logs_in_the_projects_format(tmp_path):
    command = [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO"]
    command += ["--schedule", str(tmp_path / "schedule")]

    starting = project_line(r"celery\.beat", r"beat: Starting\.\.\.")
    written = _run_until(command, starting, tmp_path / "beat.log")

    assert not re.search(r"^\[\d{4}-\d\d-\d\d [\d:,]+: \w+/", written, re.MULTILINE), written
