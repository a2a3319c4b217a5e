from django.core.management import call_command
from django.core.management.base import BaseCommand

from applications.services import applicant_create

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "applyline-demo"


class Command(BaseCommand):
    help = "Create the demo user (an operator too) and the demo postings; prints the login."

    def handle(self, *args, **options) -> None:
        call_command("load_demo_postings", stdout=self.stdout)
        _, token = applicant_create(
            username=DEMO_USERNAME,
            password=DEMO_PASSWORD,
            email="demo@applyline.example",
            first_name="Dana",
            last_name="Demo",
            location="Lisbon, Portugal",
            current_company="Initech",
            is_staff=True,
        )
        self.stdout.write(self.style.SUCCESS("Demo user ready."))
        self.stdout.write(f"  login:     {DEMO_USERNAME} / {DEMO_PASSWORD}")
        self.stdout.write(f"  API token: {token}")
