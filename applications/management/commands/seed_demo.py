from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand

from applications.models import Profile
from applications.services import applicant_create

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "applyline-demo"
DEMO_RESUME = Path(__file__).resolve().parents[2] / "demo" / "dana-demo-resume.pdf"
# What the demo board's forms ask, answered once; the multi-step form's essay question is left
# for the review page, where the answer given is kept for next time.
DEMO_ANSWERS = {
    "Are you legally authorized to work in the United States?": "Yes",
    "Do you require visa sponsorship?": "No",
    "Are you open to working on-site three days a week?": "Yes",
    "How did you hear about us?": "Applyline",
}


class Command(BaseCommand):
    help = "Create the demo user (an operator too) and the demo postings; prints the login."

    def handle(self, *args, **options) -> None:
        call_command("load_demo_postings", stdout=self.stdout)
        user, token = applicant_create(
            username=DEMO_USERNAME,
            password=DEMO_PASSWORD,
            email="demo@applyline.example",
            first_name="Dana",
            last_name="Demo",
            location="Lisbon, Portugal",
            current_company="Initech",
            is_staff=True,
        )
        profile = Profile.objects.get(user=user)
        profile.phone = "+351 21 000 0100"
        profile.links = ["https://www.linkedin.com/in/dana-demo", "https://github.com/dana-demo"]
        profile.answers = {**DEMO_ANSWERS, **profile.answers}
        if not profile.resume or not profile.resume.storage.exists(profile.resume.name):
            profile.resume.save(DEMO_RESUME.name, ContentFile(DEMO_RESUME.read_bytes()), save=False)
        profile.save()
        self.stdout.write(self.style.SUCCESS("Demo user ready."))
        self.stdout.write(f"  login:     {DEMO_USERNAME} / {DEMO_PASSWORD}")
        self.stdout.write(f"  API token: {token}")
