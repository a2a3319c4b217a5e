"""Postings are virtual: any link that matches one of the board's patterns is a posting, named by
its style, company slug and job id. Nothing about a posting is stored; its company, title and
description are worked out from its link, the same every time.

The title is TITLES[id % 10] for a numeric id (else a stable hash of the id), so that two numeric
ids ten apart are the same company and title under another link: a repost.

Greenhouse's two forms (the current hosted one and the older embedded one) are two ways into the
same Greenhouse posting, as on Greenhouse itself: `/greenhouse/embed/job_app?for=acme&token=12`
is the posting `/greenhouse/acme/jobs/12`."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

TITLES = (
    "Backend Engineer",
    "Data Analyst",
    "Frontend Engineer",
    "Product Designer",
    "Site Reliability Engineer",
    "Machine Learning Engineer",
    "Technical Writer",
    "Engineering Manager",
    "QA Engineer",
    "Developer Advocate",
)
LOCATIONS = ("Remote (US)", "New York, NY", "Berlin, Germany", "Austin, TX", "London, UK")
STYLES = ("greenhouse", "lever", "ashby", "careers", "verified")
STYLE_NAMES = {
    "greenhouse": "Greenhouse",
    "lever": "Lever",
    "ashby": "Ashby",
    "careers": "Multi-step form",
    "verified": "E-mail verification",
}

SLUG = r"[a-z0-9][a-z0-9-]*"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# Every page of a posting, by style; the named groups say which posting.
_PATHS = (
    ("greenhouse", re.compile(rf"^/greenhouse/(?P<company>{SLUG})/jobs/(?P<job_id>\d+)(/.*)?$")),
    ("lever", re.compile(rf"^/lever/(?P<company>{SLUG})/(?P<job_id>{UUID})(/.*)?$")),
    ("ashby", re.compile(rf"^/ashby/(?P<company>{SLUG})/(?P<job_id>{UUID})(/.*)?$")),
    ("careers", re.compile(rf"^/careers/(?P<company>{SLUG})/(?P<job_id>{SLUG})(/.*)?$")),
    ("verified", re.compile(rf"^/verified/(?P<company>{SLUG})/(?P<job_id>{SLUG})(/.*)?$")),
)
GREENHOUSE_EMBED = "/greenhouse/embed/job_app"


@dataclass(frozen=True)
class Posting:
    style: str
    company_slug: str
    job_id: str

    @property
    def company(self) -> str:
        return self.company_slug.replace("-", " ").title()

    @property
    def number(self) -> int:
        if self.job_id.isdigit():
            return int(self.job_id)
        return int.from_bytes(hashlib.sha256(self.job_id.encode()).digest()[:8], "big")

    @property
    def title(self) -> str:
        return TITLES[self.number % len(TITLES)]

    @property
    def location(self) -> str:
        return LOCATIONS[self.number % len(LOCATIONS)]

    @property
    def path(self) -> str:
        """The posting's own page, which names it in the lookup and the operator API."""
        if self.style == "greenhouse":
            return f"/greenhouse/{self.company_slug}/jobs/{self.job_id}"
        return f"/{self.style}/{self.company_slug}/{self.job_id}"

    @property
    def embed_path(self) -> str:
        return f"{GREENHOUSE_EMBED}?for={self.company_slug}&token={self.job_id}"

    @property
    def captcha(self) -> bool:
        """Wayne's Lever postings are guarded by a CAPTCHA."""
        return self.style == "lever" and self.company_slug == "wayne"

    def field_id(self, name: str) -> str:
        """A stable UUID for one of the posting's custom questions (Lever cards, Ashby fields)."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.path}#{name}"))

    def description(self) -> list[tuple[str, list[str]]]:
        """The job description: (heading, paragraphs or bullet points) sections."""
        return [
            (
                f"About {self.company}",
                [
                    f"{self.company} builds tools that thousands of teams rely on every day. "
                    f"We are a small company that ships often and cares about doing it well."
                ],
            ),
            (
                "The role",
                [
                    f"As a {self.title} you will work with a team of six on work that reaches "
                    f"customers within weeks. This role is based in {self.location}."
                ],
            ),
            (
                "What you will do",
                [
                    "Own a part of the product from the first sketch to its release.",
                    "Review the work of your colleagues and have yours reviewed.",
                    "Talk to customers at least once a month.",
                ],
            ),
        ]


def posting_from_path(text: str) -> Posting | None:
    """The posting a link or path of the board leads to (any of its pages), or None."""
    parts = urlsplit(text.strip())
    path = parts.path.rstrip("/") or "/"
    if path == GREENHOUSE_EMBED:
        query = parse_qs(parts.query)
        company = (query.get("for") or [""])[0].lower()
        token = (query.get("token") or [""])[0]
        if re.fullmatch(SLUG, company) and token.isdigit():
            return Posting("greenhouse", company, token)
        return None
    for style, pattern in _PATHS:
        match = pattern.match(path)
        if match:
            return Posting(style, match["company"], match["job_id"])
    return None


def example_postings() -> list[tuple[Posting, str]]:
    """What the job list shows: a few postings of every style, with the link to each form."""
    lever = "3f1c7b2e-8a4d-4c6e-9b1a-2d5e7f9a0c31"
    wayne = "7d2e9a41-5b3c-4f8e-a6d1-0c9b8e7f6a52"
    ashby = "c4a8e2f0-1b3d-4e5f-8a9b-6c7d0e1f2a3b"
    examples = [
        Posting("greenhouse", "acme-robotics", "4012"),
        Posting("greenhouse", "acme-robotics", "4022"),
        Posting("greenhouse", "globex", "1007"),
        Posting("lever", "initech", lever),
        Posting("lever", "wayne", wayne),
        Posting("ashby", "umbrella", ashby),
        Posting("careers", "hooli", "2041"),
        Posting("verified", "stark-industries", "3105"),
    ]
    links = []
    for posting in examples:
        links.append((posting, posting.path))
        if posting.style == "greenhouse" and posting.company_slug == "globex":
            links.append((posting, posting.embed_path))
    return links
