"""Two links to the same posting give one key; links to different postings give different keys."""

import pytest

from jobs.canonical import InvalidJobUrl, canonicalize_url

SAME_KEY = [
    # Tracking parameters, fragments, case, ports and slashes of plain sites.
    ("https://example.com/jobs/1?utm_source=linkedin", "url:example.com/jobs/1"),
    ("https://example.com/jobs/1?utm_campaign=x&utm_medium=y", "url:example.com/jobs/1"),
    ("https://example.com/jobs/1?ref=hn", "url:example.com/jobs/1"),
    ("https://example.com/jobs/1?fbclid=abc&gclid=def", "url:example.com/jobs/1"),
    ("https://example.com/jobs/1?source=twitter&src=x", "url:example.com/jobs/1"),
    ("https://example.com/jobs/1#apply", "url:example.com/jobs/1"),
    ("https://example.com/jobs/1/", "url:example.com/jobs/1"),
    ("https://example.com//jobs//1", "url:example.com/jobs/1"),
    ("HTTPS://EXAMPLE.COM/jobs/1", "url:example.com/jobs/1"),
    ("http://example.com/jobs/1", "url:example.com/jobs/1"),
    ("https://example.com:443/jobs/1", "url:example.com/jobs/1"),
    ("http://example.com:80/jobs/1", "url:example.com/jobs/1"),
    ("  https://example.com/jobs/1  ", "url:example.com/jobs/1"),
    ("https://example.com/jobs?id=1&team=a", "url:example.com/jobs?id=1&team=a"),
    ("https://example.com/jobs?team=a&id=1&utm_term=z", "url:example.com/jobs?id=1&team=a"),
    ("https://example.com:8443/jobs/1", "url:example.com:8443/jobs/1"),
    ("https://example.com/", "url:example.com"),
    # Greenhouse.
    ("https://boards.greenhouse.io/acme/jobs/4012345", "greenhouse:acme:4012345"),
    ("https://boards.greenhouse.io/Acme/jobs/4012345/", "greenhouse:acme:4012345"),
    ("https://boards.greenhouse.io/acme/jobs/4012345?gh_src=abc123", "greenhouse:acme:4012345"),
    ("https://job-boards.greenhouse.io/acme/jobs/4012345", "greenhouse:acme:4012345"),
    ("https://job-boards.eu.greenhouse.io/acme/jobs/4012345", "greenhouse:acme:4012345"),
    (
        "https://boards.greenhouse.io/embed/job_app?for=acme&token=4012345",
        "greenhouse:acme:4012345",
    ),
    ("https://careers.acme.com/open-roles?gh_jid=4012345", "greenhouse:careers.acme.com:4012345"),
    # Lever.
    (
        "https://jobs.lever.co/globex/8f14e45f-ceea-467f-a0e6-1c3f0b1a2d3e",
        "lever:globex:8f14e45f-ceea-467f-a0e6-1c3f0b1a2d3e",
    ),
    (
        "https://jobs.lever.co/Globex/8F14E45F-CEEA-467F-A0E6-1C3F0B1A2D3E/apply",
        "lever:globex:8f14e45f-ceea-467f-a0e6-1c3f0b1a2d3e",
    ),
    (
        "https://jobs.lever.co/globex/8f14e45f-ceea-467f-a0e6-1c3f0b1a2d3e?lever-source=LinkedIn",
        "lever:globex:8f14e45f-ceea-467f-a0e6-1c3f0b1a2d3e",
    ),
    (
        "https://jobs.eu.lever.co/globex/8f14e45f-ceea-467f-a0e6-1c3f0b1a2d3e",
        "lever:globex:8f14e45f-ceea-467f-a0e6-1c3f0b1a2d3e",
    ),
    # Ashby.
    (
        "https://jobs.ashbyhq.com/initech/3c59dc04-8f4e-4a51-9b0a-2f1e3d4c5b6a",
        "ashby:initech:3c59dc04-8f4e-4a51-9b0a-2f1e3d4c5b6a",
    ),
    (
        "https://jobs.ashbyhq.com/Initech/3c59dc04-8f4e-4a51-9b0a-2f1e3d4c5b6a/application",
        "ashby:initech:3c59dc04-8f4e-4a51-9b0a-2f1e3d4c5b6a",
    ),
    (
        "https://initech.com/careers?ashby_jid=3c59dc04-8f4e-4a51-9b0a-2f1e3d4c5b6a",
        "ashby:initech.com:3c59dc04-8f4e-4a51-9b0a-2f1e3d4c5b6a",
    ),
    # Workday: the locale and the wdN data-centre number do not matter.
    (
        "https://umbrella.wd5.myworkdayjobs.com/en-US/Careers/job/Remote/Data-Engineer_R-10234",
        "workday:umbrella:careers:R-10234",
    ),
    (
        "https://umbrella.wd5.myworkdayjobs.com/Careers/job/Remote/Data-Engineer_R-10234",
        "workday:umbrella:careers:R-10234",
    ),
    (
        "https://umbrella.wd1.myworkdayjobs.com/de-DE/careers/details/Data-Engineer_R-10234",
        "workday:umbrella:careers:R-10234",
    ),
    (
        "https://umbrella.wd5.myworkdayjobs.com/Careers/job/Remote/Data-Engineer_R-10234/apply",
        "workday:umbrella:careers:R-10234",
    ),
]


@pytest.mark.parametrize(("raw", "key"), SAME_KEY)
def test_link_maps_to_its_canonical_key(raw, key):
    assert canonicalize_url(raw).key == key


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("https://boards.greenhouse.io/acme/jobs/1", "https://boards.greenhouse.io/acme/jobs/2"),
        ("https://boards.greenhouse.io/acme/jobs/1", "https://boards.greenhouse.io/globex/jobs/1"),
        ("https://example.com/jobs/1", "https://example.org/jobs/1"),
        ("https://example.com/jobs?id=1", "https://example.com/jobs?id=2"),
        ("https://www.example.com/jobs/1", "https://example.com/jobs/1"),
        (
            "https://umbrella.wd5.myworkdayjobs.com/Careers/job/X/Data-Engineer_R-1",
            "https://umbrella.wd5.myworkdayjobs.com/Internal/job/X/Data-Engineer_R-1",
        ),
    ],
)
def test_different_postings_keep_different_keys(first, second):
    assert canonicalize_url(first).key != canonicalize_url(second).key


@pytest.mark.parametrize(
    ("raw", "ats", "board", "external_id"),
    [
        ("https://boards.greenhouse.io/Acme/jobs/77", "greenhouse", "acme", "77"),
        ("https://jobs.lever.co/globex/ABC-1", "lever", "globex", "abc-1"),
        ("https://jobs.ashbyhq.com/initech/abc-2", "ashby", "initech", "abc-2"),
        (
            "https://umbrella.wd5.myworkdayjobs.com/Careers/job/Remote/Engineer_JR12345-1",
            "workday",
            "umbrella",
            "JR12345-1",
        ),
        ("https://careers.hooli.example/jobs/1", "", "", ""),
    ],
)
def test_known_tracking_systems_give_their_board_and_job_id(raw, ats, board, external_id):
    canonical = canonicalize_url(raw)
    assert (canonical.ats, canonical.board, canonical.external_id) == (ats, board, external_id)


def test_the_cleaned_url_keeps_the_scheme_and_drops_tracking_and_fragment():
    canonical = canonicalize_url("HTTP://Example.com/Jobs/1/?utm_source=x&b=2&a=1#top")
    assert canonical.url == "http://example.com/Jobs/1?a=1&b=2"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "not a url",
        "example.com/jobs/1",
        "ftp://example.com/jobs/1",
        "javascript:alert(1)",
        "mailto:jobs@example.com",
        "http://",
        "https://exa mple.com/jobs",
        "https://localhost:99999/",
        "https://example.com/" + "a" * 2001,
        "https://nodots/jobs/1",
    ],
)
def test_anything_but_an_http_link_is_refused(raw):
    with pytest.raises(InvalidJobUrl):
        canonicalize_url(raw)
