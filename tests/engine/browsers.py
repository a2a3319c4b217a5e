"""Chromium for the engine's browser tests: driven from a thread of its own, at a phone's and a
desktop's size, its screenshots kept in REVIEW_SCREENSHOTS_DIR (or the test's folder)."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.conf import settings

playwright_sync = pytest.importorskip("playwright.sync_api")

T = TypeVar("T")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


class Browser:
    """Chromium driven from a thread of its own: Playwright's sync API runs an event loop on
    the thread that uses it, where Django's ORM refuses to run, so the test keeps the ORM and
    hands each browser step to this thread."""

    def __init__(self) -> None:
        self.thread = ThreadPoolExecutor(max_workers=1)
        self.console_errors: list[str] = []
        self.run(self._start)

    def run(self, step: Callable[..., T], *args: Any) -> T:
        return self.thread.submit(step, *args).result(timeout=120)

    def _start(self) -> None:
        self.playwright = playwright_sync.sync_playwright().start()
        self.chromium = self.playwright.chromium.launch(
            executable_path=settings.CHROMIUM_PATH, headless=True
        )

    def page(self, viewport: dict[str, int]) -> Any:
        def open_page():
            page = self.chromium.new_context(viewport=viewport).new_page()
            page.on(
                "console",
                lambda message: (
                    message.type == "error" and self.console_errors.append(message.text)
                ),
            )
            page.on("pageerror", lambda error: self.console_errors.append(str(error)))
            return page

        return self.run(open_page)

    def close(self) -> None:
        def stop():
            self.chromium.close()
            self.playwright.stop()

        self.run(stop)
        self.thread.shutdown()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("REVIEW_SCREENSHOTS_DIR") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser():
    opened = Browser()
    yield opened
    opened.close()


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def shoot(browser: Browser, base: str, path: str, shots: Path, name: str) -> list[int]:
    """The page at `path` at the phone's and the desktop's size, saved as <name>-<width>.png;
    returns each one's HTTP status."""

    def take(viewport):
        page = browser.chromium.new_context(viewport=viewport).new_page()
        status = page.goto(base + path).status
        page.screenshot(path=shots / f"{name}-{viewport['width']}.png", full_page=True)
        width = scroll_width(page)
        page.context.close()
        assert width <= viewport["width"], f"{name} scrolls sideways at {viewport['width']}"
        return status

    return [browser.run(take, viewport) for viewport in (PHONE, DESKTOP)]
