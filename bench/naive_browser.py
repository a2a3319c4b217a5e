"""The browser benchmark's baseline driver: the same adapters, with Chromium launched for every
task and closed after it, as a bot that opens a browser per application does. Workers load it
with APPLICATION_DRIVER=naive_browser.BrowserPerTaskDriver and bench/ on their PYTHONPATH."""

from workers.browser import BrowserDriver
from workers.browser.runtime import close_browser


class BrowserPerTaskDriver(BrowserDriver):
    def finish(self, task) -> None:
        super().finish(task)
        close_browser()
