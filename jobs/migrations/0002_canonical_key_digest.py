"""Canonical keys longer than the column used to be cut at 500 characters, so two postings whose
links differ only further on shared one key. jobs.canonical now keeps such a key's prefix and
ends it with the whole key's SHA-256 (jobs.canonical.bounded_key). The keys stored before are
recomputed from their posting's link, so that the same link finds the same posting again."""

from django.db import migrations
from django.db.models.functions import Length

from jobs.canonical import KEY_PREFIX_LENGTH, InvalidJobUrl, canonicalize_url


def rekey_long_keys(apps, schema_editor):
    JobPosting = apps.get_model("jobs", "JobPosting")
    long_keys = JobPosting.objects.annotate(key_length=Length("canonical_key")).filter(
        key_length__gt=KEY_PREFIX_LENGTH
    )
    for job in long_keys.only("pk", "url", "canonical_key").iterator():
        try:
            key = canonicalize_url(job.url).key
        except InvalidJobUrl:
            continue
        # Two links cut to one key were merged into one posting then; it stays one.
        if key != job.canonical_key and not JobPosting.objects.filter(canonical_key=key).exists():
            JobPosting.objects.filter(pk=job.pk).update(canonical_key=key)


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]

    operations = [migrations.RunPython(rekey_long_keys, migrations.RunPython.noop)]
