"""Lever (jobs.lever.co/<company>/<uuid>): the posting's page links to its form at `/apply`
("Apply for this job"); one full-name field; custom questions in cards; a CAPTCHA on some
companies' forms, which only the person can read (workers.browser.adapters.base.captcha)."""

import re

from workers.browser.actions import Actions
from workers.browser.adapters.base import Adapter
from workers.browser.run import TaskRun

APPLY_LINK = re.compile(r"apply for this job", re.I)


class LeverAdapter(Adapter):
    name = "lever"
    hosts = ("jobs.lever.co",)
    board_paths = ("/lever/",)

    def reach_form(self, actions: Actions, *, again: bool = False) -> None:
        page = actions.page
        if page.url.rstrip("/").endswith("/apply"):
            return
        link = page.get_by_role("link", name=APPLY_LINK)
        if link.count():
            actions.click(link.first)
            page.wait_for_load_state("domcontentloaded")
        else:
            actions.goto(page.url.rstrip("/") + "/apply")

    def form_url(self, run: TaskRun) -> str:
        return run.browser.get("form_url") or run.posting_url.rstrip("/") + "/apply"
