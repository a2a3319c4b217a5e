"""The board's links. A posting is any link of these patterns (demo_board.postings)."""

from django.urls import path, register_converter

from demo_board.views import (
    ashby,
    careers,
    common,
    greenhouse,
    greenhouse_embed,
    lever,
    operator,
    verified,
)


class SlugConverter:
    """Lower-case company slugs and job slugs, as the boards give them out."""

    regex = "[a-z0-9][a-z0-9-]*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SlugConverter, "board_slug")

urlpatterns = [
    path("", common.job_list, name="job-list"),
    path("lookup/", common.lookup, name="lookup"),
    # Greenhouse: the older embedded form first, so that "embed" is never read as a company.
    path("greenhouse/embed/job_app", greenhouse_embed.job_app, name="greenhouse-embed"),
    path(
        "greenhouse/embed/job_app/confirmation",
        greenhouse_embed.confirmation,
        name="greenhouse-embed-confirmation",
    ),
    path("greenhouse/<board_slug:company>/jobs/<int:job_id>", greenhouse.job_page),
    path(
        "greenhouse/<board_slug:company>/jobs/<int:job_id>/apply",
        greenhouse.apply,
        name="greenhouse-apply",
    ),
    path(
        "greenhouse/<board_slug:company>/jobs/<int:job_id>/confirmation",
        greenhouse.confirmation,
        name="greenhouse-confirmation",
    ),
    path("lever/<board_slug:company>/<uuid:job_id>", lever.posting_page),
    path("lever/<board_slug:company>/<uuid:job_id>/apply", lever.apply, name="lever-apply"),
    path(
        "lever/<board_slug:company>/<uuid:job_id>/apply/thanks",
        lever.thanks,
        name="lever-thanks",
    ),
    path("ashby/<board_slug:company>/<uuid:job_id>", ashby.posting_page),
    path(
        "ashby/<board_slug:company>/<uuid:job_id>/application",
        ashby.application,
        name="ashby-application",
    ),
    path("careers/<board_slug:company>/<board_slug:slug>", careers.form, name="careers"),
    path(
        "careers/<board_slug:company>/<board_slug:slug>/done",
        careers.done,
        name="careers-done",
    ),
    path("verified/<board_slug:company>/<board_slug:slug>", verified.form, name="verified"),
    path(
        "verified/<board_slug:company>/<board_slug:slug>/done",
        verified.done,
        name="verified-done",
    ),
    path("_board/health/", operator.health),
    path("_board/submissions/", operator.submissions),
    path("_board/outbox/", operator.outbox),
    path("_board/captcha/", operator.captcha_answers),
    path("_board/sessions/expire/", operator.expire_sessions),
    path("_board/reset/", operator.reset),
]
