"""Site adapters, chosen by a posting's link: the real hosts and the demo board's paths of the
same style share one adapter; anything else gets the generic one."""

from workers.browser.adapters.ashby import AshbyAdapter
from workers.browser.adapters.base import Adapter
from workers.browser.adapters.generic import GenericAdapter
from workers.browser.adapters.greenhouse import GreenhouseAdapter
from workers.browser.adapters.lever import LeverAdapter

SITE_ADAPTERS: tuple[type[Adapter], ...] = (GreenhouseAdapter, LeverAdapter, AshbyAdapter)

__all__ = ["SITE_ADAPTERS", "Adapter", "adapter_for"]


def adapter_for(url: str) -> Adapter:
    for adapter in SITE_ADAPTERS:
        if adapter.matches(url):
            return adapter()
    return GenericAdapter()
