"""The form's questions the applicant's profile could not answer: the driver lists them in the
checkpoint (`questions`: key, label, kind "text" or "choice", options, required), the review page
asks them inside the approve form, and an approval must answer every required one. The answers
are kept by the question's text (its label), as the profile keeps its saved answers: in the
checkpoint's `values.answers`, which the submit fills from, and in `Profile.answers`, for the
next form that asks the same."""

from __future__ import annotations

from typing import Any

from applications.models import ApplicationTask
from approvals import statements
from approvals.exceptions import AnswersMissing

MAX_ANSWER_LENGTH = 2000
KINDS = ("text", "choice")


def questions_of(task: ApplicationTask) -> list[dict[str, Any]]:
    """The task's questions as the driver gave them, each with every key (a question without a
    label is left out: it could be neither shown nor kept)."""
    found = task.checkpoint.get("questions") if isinstance(task.checkpoint, dict) else None
    questions = []
    for position, question in enumerate(found if isinstance(found, list) else []):
        if not isinstance(question, dict) or not str(question.get("label") or "").strip():
            continue
        options = question.get("options") or []
        kind = question.get("kind") if question.get("kind") in KINDS else "text"
        questions.append(
            {
                "key": str(question.get("key") or position),
                "label": str(question["label"]).strip(),
                "kind": kind if options or kind == "text" else "text",
                "options": [str(option) for option in options],
                "required": bool(question.get("required", True)),
            }
        )
    return questions


def answers_given(task: ApplicationTask) -> dict[str, Any]:
    """The answers the submit will send, by question (the checkpoint's `values.answers`)."""
    values = task.checkpoint.get("values") if isinstance(task.checkpoint, dict) else None
    answers = values.get("answers") if isinstance(values, dict) else None
    return dict(answers) if isinstance(answers, dict) else {}


def _answered(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def questions_unanswered(task: ApplicationTask) -> list[dict[str, Any]]:
    """The required questions with no answer yet: an approval must answer them, and no rule
    approves while one is left."""
    given = answers_given(task)
    return [
        question
        for question in questions_of(task)
        if question["required"] and not _answered(given.get(question["label"]))
    ]


def answers_check(task: ApplicationTask, answers: dict[str, Any] | None) -> dict[str, str]:
    """The answers an approval gives (by question label), checked: every required question
    answered (now or before), a choice among its options, no question the form does not ask.
    Raises AnswersMissing (400) naming each problem, with `missing` (the labels unanswered)."""
    questions = {question["label"]: question for question in questions_of(task)}
    given = {
        str(label).strip(): str(value).strip()
        for label, value in (answers or {}).items()
        if _answered(value)
    }
    problems = []
    unknown = sorted(label for label in given if label not in questions)
    if unknown:
        problems.append(f"Not a question of this form: {', '.join(unknown)}.")
    for label, value in given.items():
        question = questions.get(label)
        if question and question["kind"] == "choice" and value not in question["options"]:
            problems.append(f"{label}: choose one of {', '.join(question['options'])}.")
        if len(value) > MAX_ANSWER_LENGTH:
            problems.append(f"{label}: at most {MAX_ANSWER_LENGTH} characters.")
    before = answers_given(task)
    missing = [
        label
        for label, question in questions.items()
        if question["required"] and label not in given and not _answered(before.get(label))
    ]
    if missing:
        problems.insert(0, f"Answer the required questions first: {', '.join(missing)}.")
    if problems:
        raise AnswersMissing(" ".join(problems), extra={"missing": missing})
    return given


def answers_record(task: ApplicationTask, answers: dict[str, str]) -> None:
    """Keep the answers: in the task's checkpoint in memory (written with the decision's change
    of the task), and in the applicant's profile now (in the decision's transaction)."""
    if not answers:
        return
    values = dict(task.checkpoint.get("values") or {})
    values["answers"] = {**answers_given(task), **answers}
    task.checkpoint = {**task.checkpoint, "values": values}
    statements.merge_profile_answers(user_id=task.user_id, answers=answers)
