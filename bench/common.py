"""What every benchmark shares: Django set up on a throw-away database, the machine's
description, and the JSON result file of DESIGN.md."""

import argparse
import json
import os
import platform
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    """Django against a fresh test database (test_<name>) on the configured server."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import warnings

    import django

    # Static files are not collected for benchmarks; whitenoise would say so on every start.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)


def teardown_django() -> None:
    from django.db import connection

    connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


def machine() -> str:
    memory_kib = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_kib = int(line.split()[1])
    return (
        f"{os.cpu_count()} cores, {memory_kib / 1024 / 1024:.0f} GiB, "
        f"{platform.system()} {platform.machine()}, Python {platform.python_version()}"
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values)


def parser(description: str, default_out: str) -> argparse.ArgumentParser:
    arguments = argparse.ArgumentParser(description=description)
    arguments.add_argument("--out", default=str(ROOT / "bench" / "results" / default_out))
    return arguments


def goal_met(value: float, goal: tuple[str, float]) -> bool:
    operator, target = goal
    return {
        "<=": value <= target,
        "<": value < target,
        ">=": value >= target,
        "==": value == target,
    }[operator]


def write_result(
    *,
    out: str,
    benchmark: str,
    params: dict[str, Any],
    results: dict[str, float],
    baseline: dict[str, float],
    goals: dict[str, tuple[str, float]],
) -> dict[str, Any]:
    figures = {**results, **{f"baseline_{name}": value for name, value in baseline.items()}}
    document = {
        "benchmark": benchmark,
        "machine": machine(),
        "params": params,
        "results": results,
        "baseline": baseline,
        "goals": {name: list(goal) for name, goal in goals.items()},
        "met": {name: goal_met(figures[name], goal) for name, goal in goals.items()},
    }
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(document, indent=2) + "\n")
    print(json.dumps(document, indent=2))
    return document


# --- Benchmarks of the engine: real workers on the benchmark's own database and Redis ---------

# The benchmarks' Redis database and database name; BENCH_REDIS_DB and BENCH_DATABASE choose
# others, so that two checkouts can run benchmarks on one machine at once.
BENCH_REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "8"))
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "applyline_bench")


def engine_environment() -> dict[str, str]:
    """Settings shared by the benchmark process and its workers: the test settings, on a
    database (test_applyline_bench) and a Redis database of the benchmarks' own."""
    from urllib.parse import urlsplit

    database = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x"))
    redis_url = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": database._replace(path=f"/{BENCH_DATABASE}").geturl(),
        "TEST_REDIS_URL": redis_url._replace(path=f"/{BENCH_REDIS_DB}").geturl(),
        "LOG_LEVEL": "WARNING",
    }


def setup_engine_django() -> None:
    os.environ.update(engine_environment())
    setup_django()


def redis_client() -> Any:
    import redis
    from django.conf import settings

    return redis.Redis.from_url(settings.REDIS_URL)


def start_workers(log_dir: Path, *, env: dict[str, str], **pool: Any) -> Any:
    """Engine workers (main: approvals+default with two slots, reserve, maintenance) unless a
    `layout` says otherwise, on the benchmark's database and Redis."""
    from workers.processes import WorkerPool, clear_broker_keys

    clear_broker_keys(redis_client())
    log_dir.mkdir(parents=True, exist_ok=True)
    workers = WorkerPool(
        log_dir, env={**engine_environment(), "APPLYLINE_TEST_WORKER": "1", **env}, **pool
    )
    workers.start()
    return workers


def reset_engine(workers: Any) -> None:
    """Stop all work and empty the tables: unfinished tasks are cancelled (a running worker
    stops at its next step), the queues are emptied, then the rows go."""
    from django.db import connection

    from applications.models import FINAL_STATES, ApplicationTask, TaskState
    from workers.processes import clear_broker_keys, wait_until

    ApplicationTask.objects.exclude(state__in=FINAL_STATES).update(state=TaskState.CANCELLED)
    clear_broker_keys(redis_client())
    wait_until(workers.idle, timeout=120, message="the workers did not go idle")
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE approvals_approvalrequest, applications_application, "
            "applications_taskevent, applications_applicationtask, applications_applicationrun, "
            "jobs_jobposting CASCADE"
        )


def queue_length(queue: str) -> int:
    """Messages waiting in a queue, over its priority sub-queues."""
    client = redis_client()
    keys = client.scan_iter(match=f"{queue}*", _type="list")
    return sum(client.llen(key) for key in keys)
