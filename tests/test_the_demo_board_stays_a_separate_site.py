"""The demo board is another site: nothing of Applyline imports it, and the test run does not
load it (its models belong to another database and settings)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPLYLINE = ["config", "core", "jobs", "applications", "approvals", "workers"]


def test_no_applyline_module_imports_the_board():
    for package in APPLYLINE:
        for source in (ROOT / package).rglob("*.py"):
            text = source.read_text()
            assert "import demo_board" not in text and "from demo_board" not in text, source


def test_the_test_run_has_not_loaded_it():
    assert not [name for name in sys.modules if name.startswith("demo_board")]
