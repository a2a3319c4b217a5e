"""Applications filled and submitted in a real browser: `BrowserDriver` (selected by
APPLICATION_DRIVER = "workers.browser.BrowserDriver"), its browser thread, and the site
adapters."""

from workers.browser.driver import BrowserDriver

__all__ = ["BrowserDriver"]
