"""scripts/services.py: use what is configured, else what answers, else embedded servers."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "services.py"
NOTHING_PG = "postgres://postgres@127.0.0.1:1/applyline"
NOTHING_REDIS = "redis://127.0.0.1:1/0"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/applyline"

CHECK = """
import os, psycopg, redis, dj_database_url
c = dj_database_url.parse(os.environ["DATABASE_URL"])
conn = psycopg.connect(
    host=c["HOST"], port=c["PORT"] or None, user=c["USER"], dbname=c["NAME"]
)
with conn:
    print("pg", conn.execute("SELECT current_database()").fetchone()[0])
print("redis", redis.Redis.from_url(os.environ["REDIS_URL"]).ping())
"""


def run_script(env_overrides: dict[str, str], *command: str, timeout: float = 120):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, str(SCRIPT), "run", "--", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_starts_embedded_servers_when_nothing_answers_and_stops_them(tmp_path):
    result = run_script(
        {
            "APPLYLINE_PG_PROBE": NOTHING_PG,
            "APPLYLINE_REDIS_PROBE": NOTHING_REDIS,
            "APPLYLINE_DATA_DIR": str(tmp_path),
        },
        sys.executable,
        "-c",
        CHECK,
    )

    assert result.returncode == 0, result.stderr
    assert "pg applyline" in result.stdout
    assert "redis True" in result.stdout
    assert "PostgreSQL (embedded)" in result.stderr
    assert "Redis (embedded)" in result.stderr
    assert (tmp_path / "postgres" / "PG_VERSION").exists()
    # Stopped on exit: no postmaster left for this data folder.
    assert not (tmp_path / "postgres" / "postmaster.pid").exists()


def test_uses_the_services_that_answer_on_the_probed_address(settings):
    # The test run's own services stand in for "something answers on the default port".
    result = run_script(
        {
            "APPLYLINE_PG_PROBE": os.environ.get("DATABASE_URL", DEFAULT_PG),
            "APPLYLINE_REDIS_PROBE": settings.REDIS_URL,
        },
        sys.executable,
        "-c",
        CHECK,
    )

    assert result.returncode == 0, result.stderr
    assert "PostgreSQL (local)" in result.stderr
    assert "Redis (local)" in result.stderr


def test_configured_url_that_does_not_answer_is_a_clear_error_within_seconds():
    started = time.monotonic()
    result = run_script(
        {"DATABASE_URL": NOTHING_PG, "APPLYLINE_SERVICE_TIMEOUT": "2"}, "true", timeout=30
    )

    assert result.returncode == 2
    assert "DATABASE_URL is set but PostgreSQL at" in result.stderr
    assert "did not answer within 2 s" in result.stderr
    assert time.monotonic() - started < 15


def test_exit_status_is_the_commands(settings):
    result = run_script(
        {
            "DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_PG),
            "REDIS_URL": settings.REDIS_URL,
        },
        sys.executable,
        "-c",
        "raise SystemExit(7)",
    )

    assert result.returncode == 7


@pytest.mark.parametrize("argv", [["run"], ["run", "--"]])
def test_missing_command_is_a_usage_error(argv):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *argv], capture_output=True, text=True, timeout=30
    )

    assert result.returncode == 2
    assert "give the command to run" in result.stderr
