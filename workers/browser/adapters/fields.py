"""The fields of a form page, described by the page itself, and matched to the applicant.

A script reads every visible field of the page: its label (a `<label for>`, a wrapping label,
`aria-labelledby`), `aria-label`, placeholder, name, id, whether it is required, and its options
where it has them (a `<select>`, a radio group, a group of pressed-or-not buttons). A profile
value is matched by the label first, then the accessible name, the placeholder, and only then
by name and id: a site that renames an id keeps its labels, which its applicants read.

Each field is marked with `data-applyline-field` so that the action that fills it reaches the
very element described.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MARK = "data-applyline-field"
OPTION_MARK = "data-applyline-option"

# The script that describes the page's fields (and marks them with MARK and OPTION_MARK).
DESCRIBE_FIELDS = "\n".join(
    line
    for line in (Path(__file__).parent / "describe_fields.js").read_text().splitlines()
    if not line.startswith("//")
)

TEXT_KINDS = frozenset({"text", "textarea"})
CHOICE_KINDS = frozenset({"select", "combobox", "radio", "buttons", "checkbox", "checkboxes"})


def normalised(text: str) -> str:
    """A label as answers are matched by: no accents, case, punctuation, asterisks or extra
    spaces ("Are you authorized to work?*" → "are you authorized to work")."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"[^\w\s]", " ", text.lower())
    return " ".join(text.split())


def clean_label(text: str) -> str:
    """A label as a person reads it: without its required-field asterisk."""
    return re.sub(r"\s*\*\s*$", "", " ".join((text or "").split())).strip()


@dataclass
class Field:
    index: int
    kind: str
    tag: str
    type: str
    label: str
    aria: str
    placeholder: str
    name: str
    id: str
    required: bool
    options: list[str] = field(default_factory=list)
    controls: str = ""
    # Read-only or disabled: the site fills it itself (a verified e-mail address).
    locked: bool = False

    @classmethod
    def from_page(cls, entry: dict[str, Any]) -> Field:
        names = cls.__dataclass_fields__
        return cls(**{key: value for key, value in entry.items() if key in names})

    @property
    def selector(self) -> str:
        return f'[{MARK}="{self.index}"]'

    @property
    def title(self) -> str:
        """What the field is called, as a person would say it."""
        return clean_label(self.label or self.aria or self.placeholder or self.name or self.id)

    def names(self) -> list[tuple[str, str]]:
        """(how, text) in the order a field is found by: label, accessible name, placeholder,
        then the name and id the site's code uses."""
        return [
            ("label", normalised(self.label)),
            ("aria", normalised(self.aria)),
            ("placeholder", normalised(self.placeholder)),
            ("name", normalised(self.name.replace("_", " "))),
            ("id", normalised(self.id.replace("_", " "))),
        ]


def describe_fields(page: Any) -> list[Field]:
    return [Field.from_page(entry) for entry in page.evaluate(DESCRIBE_FIELDS)]


# Profile fields, each with the pattern its field's label (or accessible name, placeholder,
# name, id, as normalised) matches, and the kinds of field it goes in.
PROFILE_PATTERNS: list[tuple[str, str, frozenset[str]]] = [
    ("first_name", r"\b(first|given|fore)\s?name\b|^first$|\bfname\b", TEXT_KINDS),
    ("last_name", r"\b(last|family|sur)\s?name\b|^last$|\blname\b", TEXT_KINDS),
    ("full_name", r"^(full |legal |your )?name$|systemfield name$|^candidate name$", TEXT_KINDS),
    ("email", r"^(?!.*\b(code|verification)\b).*\be ?mail\b", TEXT_KINDS),
    ("phone", r"\b(phone|mobile|telephone|tel)\b", TEXT_KINDS),
    ("linkedin", r"\blinked ?in\b", TEXT_KINDS),
    ("github", r"\bgit ?hub\b", TEXT_KINDS),
    ("website", r"\b(website|portfolio|personal site|blog)\b", TEXT_KINDS),
    ("resume", r"\b(resume|cv)\b", frozenset({"file"})),
]


def match_profile_fields(fields: list[Field]) -> dict[str, Field]:
    """{profile field: page field}. Every profile field looks at every page field's label
    before any name or id, so that a label wins over an id that happens to match."""
    found: dict[str, Field] = {}
    taken: set[int] = set()
    for how in ("label", "aria", "placeholder", "name", "id"):
        for key, pattern, kinds in PROFILE_PATTERNS:
            if key in found:
                continue
            for candidate in fields:
                if candidate.index in taken or candidate.kind not in kinds:
                    continue
                text = dict(candidate.names())[how]
                if text and re.search(pattern, text):
                    found[key] = candidate
                    taken.add(candidate.index)
                    break
    # A field called only "Name" is the full name; with first and last name fields beside it,
    # it is something else.
    if "full_name" in found and ("first_name" in found or "last_name" in found):
        del found["full_name"]
    return found


def answer_for(question: Field, answers: dict[str, str]) -> str | None:
    """The saved answer to a question, matched by normalised label."""
    wanted = normalised(question.title)
    if not wanted:
        return None
    for label, value in answers.items():
        if normalised(label) == wanted and str(value).strip():
            return str(value)
    return None


def option_matching(options: list[str], answer: str) -> str | None:
    """The option an answer picks: the same text once normalised, else the only option that
    starts with it ("yes" → "Yes, I am")."""
    wanted = normalised(answer)
    for option in options:
        if normalised(option) == wanted:
            return option
    starting = [option for option in options if normalised(option).startswith(wanted)]
    return starting[0] if len(starting) == 1 else None
