"""Posting links reduced to one key per posting, whichever link was followed: tracking
parameters and fragments dropped, scheme and host lower-cased, and for the applicant tracking
systems we know (Greenhouse, Lever, Ashby, Workday) their board and job id.

A link also tells what it can of its posting before its page is read: the company from the host
name (`careers.example.com` → "example.com": "www." and a leading label such as "careers." or
"jobs." are dropped while two labels remain) and the title from the last path segment that reads
as one (`/jobs/senior-backend-engineer/apply` → "Senior backend engineer")."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

MAX_URL_LENGTH = 2000
# JobPosting.canonical_key's column. A key never outgrows it and is never cut: a longer key keeps
# its first KEY_PREFIX_LENGTH characters and ends in "#" and the SHA-256 of the whole key. Every
# key that short is kept whole, so a key with a digest (exactly MAX_KEY_LENGTH long) can never
# equal one without.
MAX_KEY_LENGTH = 500
KEY_PREFIX_LENGTH = MAX_KEY_LENGTH - 1 - hashlib.sha256().digest_size * 2
# JobPosting's board-derived company and external id columns: an id longer than this is not one
# an applicant tracking system gives out, and such a link is kept as a plain link.
MAX_NAME_LENGTH = 200
MAX_TITLE_LENGTH = 300
# A company name read from a link (its ATS board or host) is a hint until the posting's page is
# read, and is kept short enough to be quoted whole where a name is built from it ("Apply to
# <company>" names a run of at most 200 characters).
MAX_COMPANY_HINT_LENGTH = 100
# Unicode categories a link may not hold anywhere: control characters (Cc), invisible formatting
# characters such as bidi overrides and zero-width spaces (Cf), which make a link read as another,
# and lone surrogates (Cs), which no database text can store.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})

# RFC 3986's URI with an authority (scheme://host...), in ASCII: what the API takes as a posting
# link. canonicalize_url reads more (what browsers display, spaces trimmed); the API asks for a
# URI, as its schema says.
_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
URI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*://"
    r"(?:(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*@)?"
    r"(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*"
    r"(?::[0-9]*)?"
    rf"(?:/{_PCHAR}*)*"
    rf"(?:\?(?:{_PCHAR}|[/?])*)?"
    rf"(?:#(?:{_PCHAR}|[/?])*)?"
)


def is_uri(text: str) -> bool:
    return URI.fullmatch(text) is not None


TRACKING_PARAMETERS = frozenset(
    {
        "gh_src",
        "lever-source",
        "lever-origin",
        "ref",
        "referrer",
        "source",
        "src",
        "fbclid",
        "gclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "trk",
        "trackingid",
        "refid",
    }
)
DEFAULT_PORTS = {"http": 80, "https": 443}

GREENHOUSE_HOSTS = re.compile(r"^(job-)?boards(\.eu)?\.greenhouse\.io$")
LEVER_HOSTS = re.compile(r"^jobs(\.eu)?\.lever\.co$")
WORKDAY_HOST = re.compile(r"^(?P<tenant>[a-z0-9-]+)\.wd\d+\.myworkdayjobs\.com$")
LOCALE = re.compile(r"^[a-z]{2}-[a-z]{2}$", re.IGNORECASE)
JOB_ID = re.compile(r"^[A-Za-z0-9-]+$")
WORKDAY_REQUISITION = re.compile(r"_(?P<id>[A-Za-z0-9-]*\d[A-Za-z0-9-]*)$")


class InvalidJobUrl(ValueError):
    """The text is not a link to a posting."""


@dataclass(frozen=True)
class CanonicalUrl:
    key: str
    url: str
    ats: str
    board: str
    external_id: str
    # What the link tells of the posting until its page is read; "" when it tells nothing.
    company: str = ""
    title: str = ""


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in TRACKING_PARAMETERS


def _refuse_hidden_characters(text: str) -> None:
    for position, character in enumerate(text):
        if unicodedata.category(character) in REFUSED_CATEGORIES:
            # Named, not echoed: echoing a bidi override would garble the message itself.
            name = unicodedata.name(character, "control character")
            raise InvalidJobUrl(
                f"A link may not hold control or invisible characters "
                f"(U+{ord(character):04X} {name} at position {position})."
            )


def _split(raw: str):
    text = raw.strip()
    if not text:
        raise InvalidJobUrl("An empty string is not a link.")
    if len(text) > MAX_URL_LENGTH:
        raise InvalidJobUrl(f"A link may be at most {MAX_URL_LENGTH} characters long.")
    _refuse_hidden_characters(text)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise InvalidJobUrl(f"'{text[:100]}' is not a valid link ({error}).") from error
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in DEFAULT_PORTS or not host or any(c.isspace() for c in text):
        raise InvalidJobUrl(f"'{text[:100]}' is not an http(s) link to a web page.")
    if "." not in host and host != "localhost":
        raise InvalidJobUrl(f"'{text[:100]}' has no valid host name.")
    return parts, scheme, host, port


def _known_ats(host: str, segments: list[str], query: dict[str, str]) -> tuple[str, str, str]:
    """(ats, board, job id) for a link of a known applicant tracking system, else ("", "", "")."""
    if GREENHOUSE_HOSTS.match(host):
        if segments[:2] == ["embed", "job_app"] and query.get("for") and query.get("token"):
            return "greenhouse", query["for"].lower(), query["token"]
        if len(segments) >= 3 and segments[1] == "jobs" and JOB_ID.match(segments[2]):
            return "greenhouse", segments[0].lower(), segments[2]
    if query.get("gh_jid", "").isdigit():
        return "greenhouse", host, query["gh_jid"]
    if LEVER_HOSTS.match(host) and len(segments) >= 2:
        return "lever", segments[0].lower(), segments[1].lower()
    if host == "jobs.ashbyhq.com" and len(segments) >= 2:
        return "ashby", segments[0].lower(), segments[1].lower()
    if query.get("ashby_jid"):
        return "ashby", host, query["ashby_jid"].lower()
    workday = WORKDAY_HOST.match(host)
    if workday:
        site_segments = segments[1:] if segments and LOCALE.match(segments[0]) else segments
        # The posting's segment ends in its requisition id; an "/apply" may follow it.
        requisitions = [WORKDAY_REQUISITION.search(segment) for segment in reversed(segments)]
        requisition = next((found for found in requisitions if found), None)
        if len(site_segments) >= 3 and requisition and {"job", "details"} & set(site_segments):
            site = site_segments[0].lower()
            return "workday", f"{workday['tenant']}:{site}", requisition["id"].upper()
    return "", "", ""


def _fits(ats: str, board: str, external_id: str) -> tuple[str, str, str]:
    if len(board) > MAX_NAME_LENGTH or len(external_id) > MAX_NAME_LENGTH:
        return "", "", ""
    return ats, board, external_id


def bounded_key(key: str) -> str:
    """The key as stored: whole when it is short enough, else its prefix and its digest."""
    if len(key) <= KEY_PREFIX_LENGTH:
        return key
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{key[:KEY_PREFIX_LENGTH]}#{digest}"


# Host labels that name a company's jobs site rather than the company.
SITE_LABELS = frozenset(
    {"www", "careers", "career", "jobs", "job", "apply", "hiring", "recruiting", "talent", "work"}
)
# Path segments that name a page of a posting rather than the posting.
PAGE_SEGMENTS = frozenset(
    {"apply", "application", "details", "detail", "view", "show", "index", "submit", "form"}
)
SLUG_SEPARATORS = re.compile(r"[-_+.\s]+")
PAGE_EXTENSION = re.compile(r"\.(?:html?|php|aspx?|jsp)$", re.IGNORECASE)


def company_from_host(host: str) -> str:
    """`careers.example.com` → "example.com": site labels dropped while two labels remain."""
    labels = host.split(".")
    while len(labels) > 2 and labels[0] in SITE_LABELS:
        labels = labels[1:]
    return ".".join(labels)[:MAX_COMPANY_HINT_LENGTH]


def title_from_path(segments: list[str]) -> str:
    """The posting's title when the link's last segment reads as one, else ""."""
    candidates = [segment for segment in segments if segment.lower() not in PAGE_SEGMENTS]
    if not candidates:
        return ""
    slug = PAGE_EXTENSION.sub("", unquote(candidates[-1]))
    # A requisition id after an underscore ("Data-Engineer_R-10234") is not part of it.
    slug = WORKDAY_REQUISITION.sub("", slug)
    words = [word for word in SLUG_SEPARATORS.split(slug) if word]
    # A requisition number at the end ("...-engineer-4711", "..._R12345") is not part of it.
    while words and any(character.isdigit() for character in words[-1]):
        words.pop()
    # Two words or more, all of letters: "12345", "8f14e45f-ceea" or "jobs" read as no title.
    if len(words) < 2 or not all(word.isalpha() for word in words):
        return ""
    # Sentence case, keeping the capitals of words such as iOS or SRE.
    words = [word if any(c.isupper() for c in word[1:]) else word.lower() for word in words]
    title = " ".join(words)
    return (title[0].upper() + title[1:])[:MAX_TITLE_LENGTH]


def canonicalize_url(raw: str) -> CanonicalUrl:
    """The canonical form of a posting link; raises InvalidJobUrl for anything else."""
    parts, scheme, host, port = _split(raw)
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    segments = [segment for segment in parts.path.split("/") if segment]
    path = "/" + "/".join(segments) if segments else ""
    parameters = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(name)
    )
    query = urlencode(parameters)
    url = urlunsplit((scheme, netloc, path or "/", query, ""))

    if len(url) > MAX_URL_LENGTH:
        # Re-encoding the query can lengthen it (":" becomes "%3A"); the link as given, which is
        # no longer than a link may be, opens the same page.
        url = raw.strip()

    ats, board, external_id = _fits(*_known_ats(host, segments, dict(parameters)))
    if ats:
        key = f"{ats}:{board}:{external_id}"
        board = board.split(":")[0]
        # A board named by its own host (a gh_jid or ashby_jid link) is a host, not a name, and
        # its path that of the site's list of openings, not of the posting.
        named_by_host = board == host
        company = company_from_host(host) if named_by_host else board[:MAX_COMPANY_HINT_LENGTH]
        title = "" if named_by_host else title_from_path(segments)
    else:
        # http and https of one page are one posting.
        key = "url:" + netloc + path + (f"?{query}" if query else "")
        company = company_from_host(host)
        title = title_from_path(segments)
    return CanonicalUrl(
        key=bounded_key(key),
        url=url,
        ats=ats,
        board=board,
        external_id=external_id,
        company=company,
        title=title,
    )
