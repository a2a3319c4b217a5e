"""Lever (jobs.lever.co/<company>/<uuid>): the posting's page links to its form at `/apply`
("Apply for this job"); one full-name field; custom questions in cards; a CAPTCHA on some
companies' forms, which only the person can read (workers.browser.adapters.base.captcha)."""

from workers.browser.adapters.base import Adapter


class LeverAdapter(Adapter):
    name = "lever"
    hosts = ("jobs.lever.co",)
    board_paths = ("/lever/",)
    form_path = "/apply"
