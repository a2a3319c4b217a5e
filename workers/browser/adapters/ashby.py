"""Ashby (jobs.ashbyhq.com/<company>/<uuid>): no `<form>` at all; the form lives under
`/application`, its fields by `_systemfield_*` ids and labels, Yes/No questions as pressed
buttons, and a success shown in place of the fields."""

import re

from workers.browser.actions import Actions
from workers.browser.adapters.base import Adapter
from workers.browser.run import TaskRun

APPLICATION_TAB = re.compile(r"^\s*application\s*$|apply for this job", re.I)


class AshbyAdapter(Adapter):
    name = "ashby"
    hosts = ("jobs.ashbyhq.com",)
    board_paths = ("/ashby/",)

    def reach_form(self, actions: Actions, *, again: bool = False) -> None:
        page = actions.page
        if page.url.rstrip("/").endswith("/application"):
            return
        tab = page.get_by_role("link", name=APPLICATION_TAB)
        if not tab.count():
            tab = page.get_by_role("tab", name=APPLICATION_TAB)
        if tab.count():
            actions.click(tab.first)
            page.wait_for_load_state("domcontentloaded")
        else:
            actions.goto(page.url.rstrip("/") + "/application")

    def form_url(self, run: TaskRun) -> str:
        return run.browser.get("form_url") or run.posting_url.rstrip("/") + "/application"
