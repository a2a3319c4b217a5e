"""A form posted in a live session without its CSRF token is refused (403) and records nothing."""

from tests.demo_board.visitors import Visitor, resume, unique_email, unique_number, unique_uuid


def test_a_plain_form_without_its_token(board):
    path, visitor = f"/lever/initech/{unique_uuid()}", Visitor(board.url)
    visitor.open(path + "/apply")
    visitor.token = ""

    answer = visitor.post(
        path + "/apply", {"name": "Ada", "email": unique_email()}, {"resume": resume()}
    )

    assert answer.status_code == 403
    assert "<h1>Forbidden</h1>" in answer.text
    assert board.submissions(path) == []


def test_a_script_driven_form_with_a_wrong_token(board):
    path, visitor = f"/greenhouse/acme/jobs/{unique_number()}", Visitor(board.url)
    visitor.open(path)
    visitor.token = "x" * 64

    data = {"first_name": "Ada", "last_name": "L", "email": unique_email(), "question_2": "Yes"}
    answer = visitor.post(path + "/apply", data, {"resume": resume()}, script=True)

    assert answer.status_code == 403
    assert answer.json()["error"] == "csrf_failed"
    assert board.submissions(path) == []
