"""The state diagrams in docs/ are drawn from the models: each committed .dot must be what
django-fsm's graph_transitions writes now, so the pictures cannot drift from the transitions.
`make diagram` draws them again."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

DOCS = Path(__file__).resolve().parent.parent / "docs"

# Each committed diagram and the models (app_label.Model) it is drawn from.
DIAGRAMS = {
    "task-states.dot": ["applications.ApplicationTask"],
    "lock-and-approval-states.dot": ["applications.Application", "approvals.ApprovalRequest"],
}


def graph_transitions(*models: str, exclude: str = "") -> str:
    out = StringIO()
    call_command("graph_transitions", *models, exclude=exclude, stdout=out)
    return out.getvalue()


def dot_lines(dot: str) -> list[str]:
    """The lines of a .dot, in sorted order: graph_transitions writes its nodes and edges from
    sets, whose order changes with each process's hash seed; the lines themselves do not."""
    return sorted(line.strip() for line in dot.splitlines() if line.strip())


@pytest.mark.parametrize(("name", "models"), DIAGRAMS.items())
def test_the_committed_diagram_is_what_the_models_draw(name, models):
    committed = dot_lines((DOCS / name).read_text())
    assert committed == dot_lines(graph_transitions(*models)), (
        f"docs/{name} no longer matches the models' transitions: run `make diagram`"
    )


def test_a_diagram_that_lacks_a_transition_does_not_match():
    committed = dot_lines((DOCS / "task-states.dot").read_text())
    without_resume = graph_transitions("applications.ApplicationTask", exclude="resume")
    assert committed != dot_lines(without_resume)
