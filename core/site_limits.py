"""SITE_LIMITS, read and checked: how fast Applyline may talk to each job site and how many
applications a site takes per period. Plain data, read by the settings at start-up (a limit
that cannot work stops it) and by applications.services.pacing."""

from __future__ import annotations

import json
from dataclasses import dataclass

# The lengths of the periods an application cap may name; each window starts at a multiple of
# its length since the epoch, so that minutes, hours and days are UTC ones.
PERIOD_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
DEFAULT = "*"
# Known sites, before what the environment says: requests paced, no cap on applications (a
# site's own cap is the user's to set, since it depends on their account).
DEFAULT_SITE_LIMITS = {
    DEFAULT: {"requests_per_second": 2},
    "jobs.lever.co": {"requests_per_second": 2},
    "boards.greenhouse.io": {"requests_per_second": 2},
    "job-boards.greenhouse.io": {"requests_per_second": 2},
    "jobs.ashbyhq.com": {"requests_per_second": 2},
}


class SiteLimitsInvalid(ValueError):
    pass


@dataclass(frozen=True)
class ApplicationCap:
    count: int
    period: str

    @property
    def seconds(self) -> int:
        return PERIOD_SECONDS[self.period]


@dataclass(frozen=True)
class SiteLimit:
    """The limit of one site. `name`: the SITE_LIMITS key it comes from. `requests_per_second`:
    None or 0 for no pacing."""

    name: str
    requests_per_second: float | None = None
    applications: ApplicationCap | None = None


def parse_cap(text: str, where: str) -> ApplicationCap:
    """ "50/day" → ApplicationCap(50, "day")."""
    count, _, period = str(text).partition("/")
    period = period.strip().lower().removesuffix("s")
    if not count.strip().isdigit() or int(count) < 1 or period not in PERIOD_SECONDS:
        raise SiteLimitsInvalid(
            f'{where}: "applications" is a count and a period, such as "50/day" '
            f"(periods: {', '.join(PERIOD_SECONDS)}); got {text!r}."
        )
    return ApplicationCap(count=int(count), period=period)


def parse_site_limits(raw: str) -> dict[str, SiteLimit]:
    """The limits by site name: DEFAULT_SITE_LIMITS, each replaced by the site of the same name
    in `raw` (JSON, empty for none). Raises SiteLimitsInvalid naming what cannot work."""
    given = json.loads(raw) if raw.strip() else {}
    if not isinstance(given, dict):
        raise SiteLimitsInvalid('SITE_LIMITS: a JSON object, {"<host>": {...}, "*": {...}}.')
    limits = {}
    for name, options in {**DEFAULT_SITE_LIMITS, **given}.items():
        where = f"SITE_LIMITS[{name!r}]"
        if not isinstance(options, dict) or set(options) - {"requests_per_second", "applications"}:
            raise SiteLimitsInvalid(f"{where}: only requests_per_second and applications.")
        rate = options.get("requests_per_second")
        if rate is not None and (
            isinstance(rate, bool) or not isinstance(rate, int | float) or rate < 0
        ):
            raise SiteLimitsInvalid(f"{where}: requests_per_second is a number, 0 or more.")
        cap = options.get("applications")
        limits[name.lower()] = SiteLimit(
            name=name.lower(),
            requests_per_second=float(rate) if rate else None,
            applications=parse_cap(cap, where) if cap is not None else None,
        )
    return limits
