"""A manual apply names its run after the posting, cut to what the column holds."""

import pytest

from applications.models import ApplicationRun
from applications.services import job_apply
from tests.factories import JobPostingFactory


@pytest.mark.django_db
def test_a_posting_with_a_long_title_and_no_company_is_applied_to_with_its_name_cut(owner):
    job = JobPostingFactory(company="", title="Engineer " * 33)  # 297 characters

    task = job_apply(user=owner, job=job)

    run = ApplicationRun.objects.get(pk=task.run_id)
    limit = ApplicationRun._meta.get_field("name").max_length
    assert len(run.name) == limit
    assert run.name.startswith("Apply to Engineer Engineer")
