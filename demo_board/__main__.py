"""`python -m demo_board`: bring the board's database up to date, then serve it with uvicorn on
`DEMO_BOARD_HOST:DEMO_BOARD_PORT` (127.0.0.1:8100), one log line per request."""

import os

import django
import uvicorn
from django.conf import settings
from django.core.management import call_command


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "demo_board.settings"
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    uvicorn.run(
        "demo_board.asgi:application",
        host=settings.DEMO_BOARD_HOST,
        port=settings.DEMO_BOARD_PORT,
        lifespan="off",
        access_log=True,
        log_level="info",
    )


if __name__ == "__main__":
    main()
