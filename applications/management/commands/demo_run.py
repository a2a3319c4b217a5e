"""A run of the demo user against the demo board: one posting of every form style, prepared in
Chromium by the workers, each waiting for its approval link (printed by the maintenance worker).
`make demo` starts it once the board answers."""

import time
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from applications.management.commands.seed_demo import DEMO_USERNAME
from applications.services import run_create

# One posting of every style the board has (a new id each time, so that a second demo run is
# not refused as already applied).
STYLES = {
    "Greenhouse": "/greenhouse/acme-robotics/jobs/{number}",
    "Greenhouse, older form": "/greenhouse/embed/job_app?for=initrode&token={number}",
    "Lever": "/lever/globex/{uuid}",
    "Ashby": "/ashby/initech/{uuid}",
    "Multi-step": "/careers/hooli/platform-engineer-{number}",
    "E-mailed code": "/verified/umbrella/analyst-{number}",
    "CAPTCHA": "/lever/wayne/{uuid}",
}


def demo_links() -> dict[str, str]:
    number = int(time.time()) % 1_000_000
    return {
        style: settings.DEMO_BOARD_URL.rstrip("/") + path.format(number=number, uuid=uuid.uuid4())
        for style, path in STYLES.items()
    }


class Command(BaseCommand):
    help = "Post one run of every demo-board form style for the demo user, once the board answers."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--wait", type=float, default=60.0, help="Seconds to wait for the board."
        )

    def handle(self, *args, wait: float, **options) -> None:
        self._wait_for_board(wait)
        user = get_user_model().objects.get(username=DEMO_USERNAME)
        links = demo_links()
        result = run_create(user=user, job_urls=list(links.values()), name="Demo board run")
        self.stdout.write(self.style.SUCCESS(f"Demo run #{result.run.pk}: {len(links)} postings"))
        for style, link in links.items():
            self.stdout.write(f"  {style:<24} {link}")
        self.stdout.write(
            "Each is prepared in Chromium; its approval e-mail, with the review link, is printed "
            "by the maintenance worker. The board lists what it received at "
            f"{settings.DEMO_BOARD_URL.rstrip('/')}/_board/submissions/"
        )

    def _wait_for_board(self, wait: float) -> None:
        health = settings.DEMO_BOARD_URL.rstrip("/") + "/_board/health/"
        deadline = time.monotonic() + wait
        while True:
            try:
                with urllib.request.urlopen(health, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise CommandError(f"the demo board did not answer at {health}")
            time.sleep(0.5)
