"""A canonical key is never cut short: two long links that differ only past the key column's
length are two postings, and the same link always gives the same key."""

import importlib

import pytest
from django.apps import apps

from applications.models import ApplicationTask
from jobs.canonical import canonicalize_url
from jobs.models import JobPosting

pytestmark = pytest.mark.django_db

KEY_COLUMN_LENGTH = JobPosting._meta.get_field("canonical_key").max_length
LONG_PATH = "https://example.com/jobs/" + "a" * 600


def test_two_links_differing_after_character_500_are_two_postings(owner_client):
    links = [f"{LONG_PATH}/first", f"{LONG_PATH}/second"]

    response = owner_client.post("/api/runs/", {"job_urls": links}, format="json")

    assert response.status_code == 201
    assert len(response.json()["tasks"]) == 2
    assert response.json()["warnings"] == []
    keys = set(JobPosting.objects.values_list("canonical_key", flat=True))
    assert len(keys) == 2
    assert all(len(key) <= KEY_COLUMN_LENGTH for key in keys)
    assert ApplicationTask.objects.count() == 2


def test_the_same_long_link_always_gives_the_same_key_and_another_link_another():
    first = canonicalize_url(f"{LONG_PATH}/first?utm_source=mail")
    again = canonicalize_url(f"{LONG_PATH}/first")
    other = canonicalize_url(f"{LONG_PATH}/second")

    assert first.key == again.key
    assert first.key != other.key
    assert len(first.key) <= KEY_COLUMN_LENGTH
    assert first.key.startswith("url:example.com/jobs/aaaa")


def test_a_key_cut_short_before_is_given_its_full_key_by_the_migration():
    link = f"{LONG_PATH}/first"
    canonical = canonicalize_url(link)
    stored = JobPosting.objects.create(
        canonical_key=("url:" + link.removeprefix("https://"))[:KEY_COLUMN_LENGTH],
        url=canonical.url,
    )
    migration = importlib.import_module("jobs.migrations.0002_canonical_key_digest")

    migration.rekey_long_keys(apps, None)

    stored.refresh_from_db()
    assert stored.canonical_key == canonical.key
