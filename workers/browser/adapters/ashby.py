"""Ashby (jobs.ashbyhq.com/<company>/<uuid>): no `<form>` at all; the form lives under
`/application` (its "Application" tab), its fields by `_systemfield_*` ids and labels, Yes/No
questions as pressed buttons, and a success shown in place of the fields."""

import re

from workers.browser.adapters.base import Adapter


class AshbyAdapter(Adapter):
    name = "ashby"
    hosts = ("jobs.ashbyhq.com",)
    board_paths = ("/ashby/",)
    form_path = "/application"
    form_link = re.compile(r"^\s*application\s*$|apply for this job", re.I)
