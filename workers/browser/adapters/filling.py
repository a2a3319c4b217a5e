"""Filling a form page from the applicant: the profile's values where fields take them, saved
answers where a question's label matches one, and what is left over said out loud — a profile
value no field took (`unplaced`), a required question nobody answered (`questions`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from workers.browser.actions import Actions
from workers.browser.adapters.fields import (
    CHOICE_KINDS,
    OPTION_MARK,
    Field,
    answer_for,
    describe_fields,
    match_profile_fields,
    normalised,
    option_matching,
)
from workers.browser.run import Applicant

PROFILE_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "E-mail",
    "phone": "Phone",
    "resume": "Résumé",
}
LINK_KINDS = {"linkedin": "linkedin.com", "github": "github.com"}


@dataclass
class Filled:
    """What filling a form (one page or several) did."""

    values: dict[str, Any] = field(default_factory=dict)
    placed: set[str] = field(default_factory=set)
    questions: dict[str, dict[str, Any]] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)
    # Filling stopped at a page whose required question has no answer yet, before the last.
    pages_left: bool = False

    @classmethod
    def resumed(cls, values: dict[str, Any]) -> Filled:
        """What earlier runs of the step filled (the checkpoint's values): a step resumed after
        a pause goes on from the page it reached, and the pages before it count as filled."""
        profile = {key: value for key, value in values.items() if key not in ("answers", "links")}
        return cls(
            values=profile,
            placed=set(profile),
            answers=dict(values.get("answers") or {}),
            links=list(values.get("links") or []),
        )

    def result_values(self) -> dict[str, Any]:
        values = dict(self.values)
        if self.answers:
            values["answers"] = dict(self.answers)
        if self.links:
            values["links"] = list(self.links)
        return values

    def unplaced(self, applicant: Applicant) -> list[dict[str, str]]:
        """The applicant's values no field of the form took (of the pages reached)."""
        why = (
            "not on the pages filled so far; the pages after the question are filled once it is "
            "answered"
            if self.pages_left
            else "no field of the form takes it"
        )
        left = []
        for name, label in PROFILE_LABELS.items():
            value = applicant.resume_name if name == "resume" else getattr(applicant, name)
            if value and name not in self.placed:
                left.append({"field": name, "label": label, "why": why})
        for link in applicant.links:
            if link not in self.links:
                left.append({"field": "links", "label": link, "why": why})
        return left

    def question_list(self) -> list[dict[str, Any]]:
        return [
            question
            for key, question in self.questions.items()
            if normalised(question["label"]) not in {normalised(label) for label in self.answers}
        ]


def link_for(kind: str, links: tuple[str, ...]) -> str | None:
    """The applicant's link a field of this kind takes: LinkedIn and GitHub by host, a website
    field the first link that is neither."""
    for link in links:
        host = urlsplit(link if "//" in link else f"https://{link}").netloc.lower()
        if kind in LINK_KINDS and host.endswith(LINK_KINDS[kind]):
            return link
        if kind == "website" and not any(host.endswith(own) for own in LINK_KINDS.values()):
            return link
    return None


def fill_page(actions: Actions, applicant: Applicant, filled: Filled) -> list[Field]:
    """Fill the visible fields of the page: profile values first, then the questions. Returns
    the page's fields."""
    page = actions.page
    fields = describe_fields(page)
    matched = match_profile_fields(fields)
    profile_fields = {candidate.index for candidate in matched.values()}
    for key, target in matched.items():
        value = _profile_value(key, applicant)
        if not value:
            continue
        locator = page.locator(target.selector)
        if key == "resume":
            if applicant.resume_path:
                if not locator.evaluate("input => input.files.length"):
                    actions.upload(locator, applicant.resume_path)
                filled.values["resume"] = applicant.resume_name
                filled.placed.add("resume")
            continue
        if target.locked:
            # The site's own value (an address it verified): placed when it is the profile's.
            if _current_value(locator).strip().lower() != value.strip().lower():
                continue
        elif _current_value(locator) != value:
            actions.fill(locator, value)
        if key == "full_name":
            filled.values.update(first_name=applicant.first_name, last_name=applicant.last_name)
            filled.placed.update({"first_name", "last_name"})
        elif key in LINK_KINDS or key == "website":
            if value not in filled.links:
                filled.links.append(value)
        else:
            filled.values[key] = value
            filled.placed.add(key)
        actions.values = filled.result_values()
    for question in fields:
        if question.index in profile_fields or question.kind == "file":
            continue
        answer = answer_for(question, applicant.answers)
        if answer is not None and fill_question(actions, question, answer):
            filled.answers[question.title] = answer
            actions.values = filled.result_values()
        elif question.required and question.title:
            filled.questions[normalised(question.title)] = {
                "key": normalised(question.title),
                "label": question.title,
                "kind": "choice" if question.kind in CHOICE_KINDS else "text",
                "options": question.options or _combobox_options(actions, question),
                "required": True,
            }
    return fields


def _profile_value(key: str, applicant: Applicant) -> str:
    if key == "full_name":
        return applicant.full_name
    if key in LINK_KINDS or key == "website":
        return link_for(key, applicant.links) or ""
    if key == "resume":
        return applicant.resume_path
    return getattr(applicant, key)


def _current_value(locator: Any) -> str:
    try:
        return locator.input_value(timeout=1000)
    except Exception:
        return ""


def fill_question(actions: Actions, question: Field, answer: str) -> bool:
    """Put an answer in a question's field; False when none of its options is the answer."""
    page = actions.page
    locator = page.locator(question.selector)
    if question.kind in ("text", "textarea"):
        if _current_value(locator) != answer:
            actions.fill(locator, answer)
        return True
    if question.kind == "select":
        option = option_matching(question.options, answer)
        if option is None:
            return False
        actions.select(locator, option)
        return True
    if question.kind == "combobox":
        return _choose_in_combobox(actions, question, answer)
    option = option_matching(question.options, answer)
    if option is None:
        return False
    chosen = page.locator(f"{question.selector}[{OPTION_MARK}={_quoted(option)}]").first
    if question.kind == "buttons":
        if chosen.get_attribute("aria-pressed") != "true":
            actions.click(chosen)
    else:
        actions.check(chosen)
    return True


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _listbox(actions: Actions, question: Field) -> Any:
    page = actions.page
    if question.controls:
        return page.locator(f"[id={_quoted(question.controls)}]")
    return page.get_by_role("listbox")


def _choose_in_combobox(actions: Actions, question: Field, answer: str) -> bool:
    """A combobox's options exist only while it is open: open it, pick the option by its
    accessible name, or close it again."""
    page = actions.page
    combobox = page.locator(question.selector)
    if _current_value(combobox) == answer or combobox.get_attribute("data-value") == answer:
        return True
    actions.click(combobox)
    listbox = _listbox(actions, question)
    listbox.wait_for(state="visible")
    options = [text.strip() for text in listbox.get_by_role("option").all_inner_texts()]
    option = option_matching(options, answer)
    if option is None:
        actions.press(combobox, "Escape")
        return False
    actions.click(listbox.get_by_role("option", name=option, exact=True))
    return True


def _combobox_options(actions: Actions, question: Field) -> list[str]:
    """The options of a combobox, read by opening it (and closing it again)."""
    if question.kind != "combobox":
        return []
    page = actions.page
    combobox = page.locator(question.selector)
    actions.click(combobox)
    listbox = _listbox(actions, question)
    try:
        listbox.wait_for(state="visible", timeout=2000)
        options = [text.strip() for text in listbox.get_by_role("option").all_inner_texts()]
    except Exception:
        options = []
    if combobox.get_attribute("aria-expanded") == "true":
        actions.press(combobox, "Escape")
    return [
        option for option in options if option and not re.fullmatch(r"no options", option, re.I)
    ]
