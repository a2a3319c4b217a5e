"""Greenhouse: the current hosted form (job-boards.greenhouse.io/<company>/jobs/<id>, a page
driven by script, fields by id and label only, comboboxes whose options exist only while open,
files behind "Attach" buttons) and the older embedded one (boards.greenhouse.io/embed/job_app,
a plain form with `job_application[...]` names). The form is on the posting's own page."""

from workers.browser.adapters.base import Adapter


class GreenhouseAdapter(Adapter):
    name = "greenhouse"
    hosts = ("boards.greenhouse.io", "job-boards.greenhouse.io")
    board_paths = ("/greenhouse/",)
