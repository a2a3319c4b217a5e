"""A visitor of the demo board over plain HTTP: opens a posting's form (which starts the board's
session and gives the CSRF token) and sends each style's application as that form would."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field

import requests

RESUME = b"%PDF-1.4\nAda Lovelace, analyst of engines\n"
RESUME_SHA256 = hashlib.sha256(RESUME).hexdigest()
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def unique_email() -> str:
    return f"ada-{uuid.uuid4().hex[:10]}@example.com"


def unique_number() -> int:
    return uuid.uuid4().int % 10**9


def unique_uuid() -> str:
    return str(uuid.uuid4())


@dataclass
class Visitor:
    base: str
    http: requests.Session = field(default_factory=requests.Session)
    token: str = ""

    def open(self, path: str) -> requests.Response:
        """GET a page and keep its CSRF token."""
        page = self.http.get(self.base + path, timeout=10)
        found = CSRF_INPUT.search(page.text) or CSRF_META.search(page.text)
        if found:
            self.token = found.group(1)
        return page

    def post(self, path: str, data: dict, files: dict | None = None, *, script: bool = False):
        """POST as the page's form would: a plain form sends its token as a field, the pages
        driven by script as the X-CSRFToken header, asking for JSON."""
        headers = {"Referer": self.base + path}
        if script:
            headers |= {"X-CSRFToken": self.token, "Accept": "application/json"}
        else:
            data = {"csrfmiddlewaretoken": self.token, **data}
        return self.http.post(
            self.base + path,
            data=data,
            files=files,
            headers=headers,
            timeout=10,
            allow_redirects=True,
        )

    @property
    def session_cookie(self) -> str:
        return self.http.cookies.get("board_session", "")


def resume(name: str = "resume.pdf") -> tuple[str, bytes, str]:
    return (name, RESUME, "application/pdf")


def apply_greenhouse(visitor: Visitor, path: str, email: str) -> requests.Response:
    """The current Greenhouse form: `path` is /greenhouse/<company>/jobs/<id>."""
    visitor.open(path)
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": email,
        "phone": "555 0100",
        "country": "United Kingdom +44",
        "question_1": "https://linkedin.com/in/ada",
        "question_2": "Yes",
        "gender": "Decline to self-identify",
    }
    return visitor.post(path + "/apply", data, {"resume": resume()}, script=True)


def apply_greenhouse_embed(visitor: Visitor, company: str, job_id: int, email: str):
    path = f"/greenhouse/embed/job_app?for={company}&token={job_id}"
    visitor.open(path)
    data = {
        "job_application[first_name]": "Ada",
        "job_application[last_name]": "Lovelace",
        "job_application[email]": email,
        "job_application[answers_attributes][0][text_value]": "https://linkedin.com/in/ada",
        "job_application[answers_attributes][1][boolean_value]": "1",
    }
    return visitor.post(path, data, {"job_application[resume]": resume()})


def lever_card(page_html: str) -> str:
    return re.search(r'data-card-id="([^"]+)"', page_html).group(1)


def apply_lever(visitor: Visitor, path: str, email: str, *, captcha=None):
    """Lever: `path` is /lever/<company>/<uuid>; the form is at its /apply. `captcha`: the
    answer to type, or a function that reads it once the form (and its picture) is open."""
    card = lever_card(visitor.open(path + "/apply").text)
    if callable(captcha):
        captcha = captcha()
    data = {
        "name": "Ada Lovelace",
        "email": email,
        "org": "Analytical Engines",
        "urls[LinkedIn]": "https://linkedin.com/in/ada",
        f"cards[{card}][field0]": "The engines.",
        f"cards[{card}][field1]": "No",
    }
    if captcha is not None:
        data["captcha_answer"] = captcha
    return visitor.post(path + "/apply", data, {"resume": resume()})


def ashby_ids(page_html: str) -> tuple[str, str]:
    """(phone field id, on-site question id) of an Ashby application page."""
    phone = re.search(r'<label for="([0-9a-f-]{36})">Phone number', page_html).group(1)
    onsite = re.search(r'role="group"[^>]*data-field-path="([0-9a-f-]{36})"', page_html).group(1)
    return phone, onsite


def apply_ashby(visitor: Visitor, path: str, email: str) -> requests.Response:
    """Ashby: `path` is /ashby/<company>/<uuid>; the form is at its /application."""
    phone, onsite = ashby_ids(visitor.open(path + "/application").text)
    data = {
        "_systemfield_name": "Ada Lovelace",
        "_systemfield_email": email,
        phone: "555 0100",
        onsite: "Yes",
    }
    return visitor.post(path + "/application", data, {"_systemfield_resume": resume()}, script=True)


def apply_careers(visitor: Visitor, path: str, email: str) -> requests.Response:
    """The multi-step form: `path` is /careers/<company>/<slug>."""
    visitor.open(path)
    contact = {
        "step": "1",
        "action": "next",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": email,
    }
    visitor.post(path, contact)
    questions = {
        "step": "2",
        "action": "next",
        "favourite_data_structure": "The heap: it keeps the next job at hand.",
        "relocate": "No",
    }
    visitor.post(path, questions)
    return visitor.post(path, {"step": "3", "action": "submit"}, {"resume": resume()})


def apply_verified(visitor: Visitor, board, path: str, email: str) -> requests.Response:
    """The form behind an e-mailed code, with the code read from the board's outbox."""
    visitor.open(path)
    visitor.post(path, {"action": "send", "email": email})
    code = board.outbox(email)[0]["code"]
    visitor.post(path, {"action": "verify", "code": code})
    data = {"action": "submit", "first_name": "Ada", "last_name": "Lovelace"}
    return visitor.post(path, data, {"resume": resume()})
