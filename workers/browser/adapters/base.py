"""What every site adapter does, step by step: `open` the posting and reach its form, `fill` it
(page after page, with Next), `review` it (refilled if the page lost it, then a full-page
screenshot), and `submit` it: back to the form, refilled from the checkpoint, one click on the
final button, and the outcome read from the page. A site's adapter says only where it differs.

All of it runs on the browser's thread, every page action through `Actions`."""

from __future__ import annotations

import re
import time
import urllib.parse
import urllib.request
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.conf import settings

from workers.browser.actions import Actions
from workers.browser.adapters.filling import Filled, fill_page
from workers.browser.run import Applicant, TaskRun
from workers.browser.sites import is_demo_board
from workers.drivers import AlreadyAppliedOnSite, NeedsPerson, SiteSessionExpired, StepFailed

SUBMIT_BUTTON = re.compile(r"^\s*submit(\s+(my\s+)?application)?\s*$", re.I)
NEXT_BUTTON = re.compile(r"^\s*(next|continue)\b", re.I)
SESSION_EXPIRED = re.compile(r"your session has expired|session (has )?expired", re.I)
ALREADY_APPLIED = re.compile(r"already applied", re.I)
CONFIRMED = re.compile(
    r"thank you for applying|application (was )?(successfully )?(submitted|received)"
    r"|your application was successfully submitted",
    re.I,
)
CAPTCHA_FIELD = re.compile(r"type the characters|characters you see|captcha", re.I)
CODE_FIELD = re.compile(r"verification code|enter (the )?code", re.I)
MAX_PAGES = 8
# How often the page is read while waiting for the site's answer to the final click.
CONFIRM_POLL_SECONDS = 0.1


class Adapter:
    """The generic adapter: any form, its fields matched by label; several pages with Next."""

    name: ClassVar[str] = "generic"
    hosts: ClassVar[tuple[str, ...]] = ()
    board_paths: ClassVar[tuple[str, ...]] = ()
    # Where the form is under the posting's page ("" for the page itself), and the link to it.
    form_path: ClassVar[str] = ""
    form_link: ClassVar[re.Pattern] = re.compile(r"apply for this job", re.I)

    @classmethod
    def matches(cls, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if any(host == own or host.endswith("." + own) for own in cls.hosts):
            return True
        return is_demo_board(url) and parts.path.startswith(cls.board_paths)

    # --- Steps -------------------------------------------------------------------------------

    def open(self, actions: Actions) -> None:
        """The posting's page, its company and title, then the form's page."""
        actions.goto(actions.run.posting_url)
        actions.checkpoint["posting"] = self.posting(actions.page)
        self.reach_form(actions)
        actions.checkpoint["browser"] = actions.browser_state(form_url=actions.page.url)

    def fill(self, actions: Actions) -> None:
        done_before = Filled.resumed(actions.run.checkpoint.get("values", {}))
        filled = self.fill_form(actions, actions.run.applicant, filled=done_before)
        actions.values = filled.result_values()
        actions.checkpoint["questions"] = filled.question_list()
        actions.checkpoint["unplaced"] = filled.unplaced(actions.run.applicant)
        actions.checkpoint["browser"] = actions.browser_state()

    def review(self, actions: Actions) -> None:
        """Refill what the page lost (a new context after a pause), and photograph it, the
        final button unpressed."""
        if actions.resumed:
            self.fill_form(actions, actions.run.applicant, refill=True)
        actions.checkpoint["screenshot"] = actions.screenshot("review")
        actions.checkpoint["browser"] = actions.browser_state()

    def submit(self, actions: Actions, applicant: Applicant) -> None:
        """The final click, once, confirmed from the page."""
        page = actions.page
        actions.goto(self.form_url(actions.run))
        self.reach_form(actions, again=True)
        filled = self.fill_form(actions, applicant, refill=True)
        if filled.question_list():
            labels = ", ".join(question["label"] for question in filled.question_list())
            raise StepFailed(f"Required questions have no answer: {labels}.")
        button = self.final_button(page)
        if not button.count():
            raise StepFailed("The form's final button is not on the page.")
        actions.click(button.first)
        self.confirm(actions)

    # --- What sites differ in ----------------------------------------------------------------

    def posting(self, page: Any) -> dict[str, str]:
        title = _first_text(page, [".job-title", ".app-title", ".posting-headline h2", "h1"])
        company = _first_text(page, [".company-name", ".company", "[itemprop=hiringOrganization]"])
        company = re.sub(r"^\s*at\s+", "", company.split("·")[0]).strip()
        return {"company": company, "title": title}

    def reach_form(self, actions: Actions, *, again: bool = False) -> None:
        """From the posting's page to its form: the same page, or `form_path` under it, reached
        by its link ("Apply for this job", an "Application" tab) as a person would.
        `again`: on the way to the final click, in a new context."""
        page = actions.page
        self.check_session(page)
        if self.form_path and not page.url.rstrip("/").endswith(self.form_path):
            link = page.get_by_role("link", name=self.form_link)
            if not link.count():
                link = page.get_by_role("tab", name=self.form_link)
            if link.count():
                actions.click(link.first)
                page.wait_for_load_state("domcontentloaded")
            else:
                actions.goto(page.url.rstrip("/") + self.form_path)
        self.verify_email(actions, again=again)

    def check_session(self, page: Any) -> None:
        """A site that says the session it was given has ended (the restored cookies of a
        paused or approved task are too old): nothing more can be done in it."""
        heading = _first_text(page, ["h1"])
        if SESSION_EXPIRED.search(heading):
            raise SiteSessionExpired(f"The job site says: {heading}. Nothing was submitted.")

    def form_url(self, run: TaskRun) -> str:
        return run.browser.get("form_url") or run.posting_url.rstrip("/") + self.form_path

    def final_button(self, page: Any) -> Any:
        return page.get_by_role("button", name=SUBMIT_BUTTON)

    def fill_form(
        self,
        actions: Actions,
        applicant: Applicant,
        *,
        refill: bool = False,
        filled: Filled | None = None,
    ) -> Filled:
        """Fill the form's pages, with Next between them, up to the page with the final button
        (or a page whose required questions have no answer yet: the person answers them on
        the review page, and the submit goes on from there). `filled`: what earlier runs of
        the step filled. Each page filled is the step's progress, should it pause."""
        page = actions.page
        filled = filled or Filled()
        for _ in range(MAX_PAGES):
            before = len(filled.question_list())
            fill_page(actions, applicant, filled)
            if not refill:
                actions.values = filled.result_values()
            # After the page's fields, so that the person asked sees them filled in.
            self.captcha(actions)
            if self.final_button(page).count():
                return filled
            if len(filled.question_list()) > before:
                # The pages after this one wait for the person's answer.
                filled.pages_left = True
                return filled
            next_button = page.get_by_role("button", name=NEXT_BUTTON)
            if not next_button.count():
                return filled
            url = page.url
            actions.click(next_button.first)
            page.wait_for_load_state("domcontentloaded")
            if page.url == url:
                page.wait_for_timeout(100)
        return filled

    def captcha(self, actions: Actions) -> None:
        """A CAPTCHA on the page: typed from the person's answer, else handed to them."""
        page = actions.page
        # The box to type into, not the picture (whose own label may say "CAPTCHA" too).
        field = page.get_by_role("textbox", name=CAPTCHA_FIELD)
        if not field.count() or not field.first.is_visible():
            return
        # The answer is typed again wherever the form is filled again (the review, the submit).
        answer = actions.run.handoff_answer(kind="captcha")
        if answer:
            if field.first.input_value() != answer:
                actions.fill(field.first, answer)
            return
        # What the person must read, in view rather than at the foot of a long page.
        field.first.scroll_into_view_if_needed()
        actions.checkpoint["screenshot"] = actions.screenshot("captcha", full_page=False)
        raise NeedsPerson(
            kind="captcha",
            prompt="Type the characters shown in the picture on the form.",
            progress=actions.progress(),
        )

    def verify_email(self, actions: Actions, *, again: bool = False) -> None:
        """A page that unlocks its form with a code sent by e-mail: the code is asked for once
        ("Send code"), then the person's answer typed in."""
        page = actions.page
        send = page.get_by_role("button", name=re.compile(r"^\s*send (me a |the )?code", re.I))
        code = page.get_by_label(CODE_FIELD)
        if not send.count() and not code.count():
            return
        answer = actions.run.handoff_answer(kind="code", step=actions.step)
        if not (code.count() and code.first.is_visible()):
            if again:
                raise SiteSessionExpired(
                    "The site asks for a new e-mailed code; its session ended."
                )
            email = page.get_by_label(re.compile(r"e-?mail", re.I))
            if not email.count():
                email = page.get_by_placeholder(re.compile(r"e-?mail", re.I))
            actions.fill(email.first, actions.run.applicant.email)
            actions.click(send.first)
            code.first.wait_for(state="visible")
            answer = None
        if answer is None:
            actions.checkpoint["screenshot"] = actions.screenshot("code")
            raise NeedsPerson(
                kind="code",
                prompt=f"Type the code the site sent to {actions.run.applicant.email}.",
                progress=actions.progress(code_sent=True),
            )
        actions.fill(code.first, answer)
        verify = page.get_by_role("button", name=re.compile(r"verify|continue|unlock", re.I))
        actions.click(verify.first)
        page.wait_for_load_state("domcontentloaded")
        if (
            page.get_by_label(CODE_FIELD).count()
            and page.get_by_label(CODE_FIELD).first.is_visible()
        ):
            raise StepFailed("The site did not take the code given.")

    def confirm(self, actions: Actions) -> None:
        """Read the site's answer to the final click: its confirmation, or what stopped it."""
        page = actions.page
        deadline = time.monotonic() + settings.BROWSER_NAVIGATION_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            try:
                text = page.locator("body").inner_text(timeout=2000)
            except Exception:
                text = ""
            if SESSION_EXPIRED.search(text):
                raise SiteSessionExpired("The job site's session expired; nothing was submitted.")
            if ALREADY_APPLIED.search(text):
                line = next(
                    (line for line in text.splitlines() if ALREADY_APPLIED.search(line)), text
                )
                raise AlreadyAppliedOnSite(f"The site says: {line.strip()}")
            if CONFIRMED.search(text) and not self.final_button(page).count():
                return
            page.wait_for_timeout(CONFIRM_POLL_SECONDS * 1000)
        raise StepFailed("The site showed no confirmation after the final click.")

    def lookup(self, run: TaskRun) -> bool | None:
        """Whether the site has this application: the demo board's lookup page; None where a
        site cannot tell."""
        if not is_demo_board(run.posting_url):
            return None
        email = run.checkpoint.get("values", {}).get("email") or run.applicant.email
        parts = urlsplit(run.posting_url)
        posting = parts.path + (f"?{parts.query}" if parts.query else "")
        query = urllib.parse.urlencode({"posting": posting, "email": email})
        address = f"{parts.scheme}://{parts.netloc}/lookup/?{query}"
        timeout = settings.BROWSER_NAVIGATION_TIMEOUT_SECONDS
        with urllib.request.urlopen(address, timeout=timeout) as response:
            page = response.read().decode()
        found = re.search(r'id="lookup-result"[^>]*data-found="(\w+)"', page)
        if found is None or found.group(1) not in ("true", "false"):
            return None
        return found.group(1) == "true"


def _first_text(page: Any, selectors: list[str]) -> str:
    """The text of the first of these selectors that has any, read in one call to the page."""
    return page.evaluate(
        r"""selectors => {
            for (const selector of selectors) {
                const found = document.querySelector(selector);
                const text = found ? found.innerText.split(/\s+/).join(" ").trim() : "";
                if (text) return text;
            }
            return "";
        }""",
        selectors,
    )
