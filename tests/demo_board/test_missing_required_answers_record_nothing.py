"""A form sent without a required answer is shown again with the error by the field, and the
board records nothing: the Greenhouse script gets the errors by field id, and the multi-step
form will not leave step 2 without the question no profile can answer."""

import re

from tests.demo_board.visitors import Visitor, unique_email, unique_number


def test_greenhouse_answers_the_errors_by_field(board):
    path, visitor = f"/greenhouse/acme/jobs/{unique_number()}", Visitor(board.url)
    visitor.open(path)

    data = {"first_name": "Ada", "email": unique_email(), "question_2": "Maybe"}
    answer = visitor.post(path + "/apply", data, script=True)

    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert set(errors) == {"last_name", "question_2", "resume"}
    assert board.submissions(path) == []


def test_the_multi_step_form_stays_on_its_question(board):
    path, visitor = f"/careers/hooli/{unique_number()}", Visitor(board.url)
    visitor.open(path)
    contact = {
        "step": "1",
        "action": "next",
        "first_name": "Ada",
        "last_name": "L",
        "email": unique_email(),
    }
    assert "Step 2 of 3" in visitor.post(path, contact).text

    answer = visitor.post(path, {"step": "2", "action": "next", "favourite_data_structure": " "})

    assert answer.status_code == 400
    assert "Step 2 of 3" in answer.text
    assert re.search(r'id="favourite_data_structure-error">This field is required', answer.text)
    back = visitor.post(path, {"step": "2", "action": "back", "years_experience": "7"})
    assert "Step 1 of 3" in back.text
    assert 'value="Ada"' in back.text  # Back keeps what was typed
    assert board.submissions(path) == []
