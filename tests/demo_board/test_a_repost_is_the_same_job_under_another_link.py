"""Postings are worked out from their links: numeric ids ten apart are the same company and
title (a repost under another link), the title and company show on the page, and the two
Greenhouse forms of one id show the same job."""

import re

import requests

from tests.demo_board.visitors import unique_number


def _heading(board, path: str) -> tuple[str, str]:
    page = requests.get(board.url + path, timeout=10).text
    title = re.search(r"<h1[^>]*>([^<]+)</h1>", page).group(1)
    company = re.search(r'class="company-name">(?:at )?([^<·]+)', page).group(1).strip()
    return title, company


def test_ids_ten_apart(board):
    number = unique_number()
    first = _heading(board, f"/greenhouse/acme-robotics/jobs/{number}")

    assert _heading(board, f"/greenhouse/acme-robotics/jobs/{number + 10}") == first
    assert _heading(board, f"/greenhouse/embed/job_app?for=acme-robotics&token={number}") == first
    assert _heading(board, f"/greenhouse/acme-robotics/jobs/{number + 1}") != first
    assert first[1] == "Acme Robotics"
