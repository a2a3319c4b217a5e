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
    import django

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
