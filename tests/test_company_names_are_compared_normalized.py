"""Company names are compared without case, punctuation, spaces or legal suffixes, by ingestion
and by the check before the click alike (applications.services.preferences)."""

import pytest

from applications.models import Profile
from applications.services import run_create
from applications.services.preferences import normalized_company, normalized_title


@pytest.mark.parametrize(
    "name", ["Acme, Inc.", "ACME inc", "acme", "Acme Corp", "Acme GmbH", "A.C.M.E. LLC", "Acme Co"]
)
def test_spellings_of_one_company_are_one(name):
    assert normalized_company(name) == "acme"


def test_a_name_that_is_only_a_suffix_is_kept():
    assert normalized_company("Co.") == "co"
    assert normalized_company("Acme Holdings") == "acmeholdings"


def test_titles_keep_their_words():
    assert normalized_title("Backend  Engineer (Remote)") == "backend engineer remote"
    assert normalized_title("Senior Backend Engineer") != normalized_title("Backend Engineer")


@pytest.mark.django_db
def test_ingestion_blocks_a_company_however_it_is_spelt(owner):
    Profile.objects.filter(user=owner).update(company_blocklist=["Acme, Inc."])

    result = run_create(user=owner, job_urls=["https://boards.greenhouse.io/acme/jobs/1"])

    assert result.warnings == ["Skipped acme — the company is on your blocklist."]
