from django.core.management.base import BaseCommand

from applications.services import applicant_create


class Command(BaseCommand):
    help = "Create (or update) a user with an applicant profile and an API token."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--location", default="", help="Where the applicant lives.")
        parser.add_argument("--current-company", default="", help="Their present employer.")
        parser.add_argument("--staff", action="store_true", help="May use the admin.")

    def handle(self, *args, **options) -> None:
        user, token = applicant_create(
            username=options["username"],
            password=options["password"],
            email=options["email"],
            first_name=options["first_name"],
            last_name=options["last_name"],
            location=options["location"],
            current_company=options["current_company"],
            is_staff=options["staff"],
        )
        self.stdout.write(self.style.SUCCESS(f"User {user.get_username()} is ready."))
        self.stdout.write(f"API token: {token}")
