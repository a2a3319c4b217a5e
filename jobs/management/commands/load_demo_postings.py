from django.core.management.base import BaseCommand

from jobs.demo_postings import DEMO_POSTINGS
from jobs.services import job_posting_save


class Command(BaseCommand):
    help = "Store the demo job postings (safe to run again)."

    def handle(self, *args, **options) -> None:
        for posting in DEMO_POSTINGS:
            job = job_posting_save(**posting)
            self.stdout.write(f"  #{job.pk} {job}  {job.url}")
        self.stdout.write(self.style.SUCCESS(f"{len(DEMO_POSTINGS)} demo postings stored."))
