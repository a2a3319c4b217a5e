"""Each style's form, sent over plain HTTP as its page would send it, leaves exactly one
Submission on the board: the posting, the values by the form's own names, and the résumé."""

from tests.demo_board.visitors import (
    RESUME,
    RESUME_SHA256,
    Visitor,
    apply_ashby,
    apply_careers,
    apply_greenhouse,
    apply_greenhouse_embed,
    apply_lever,
    apply_verified,
    unique_email,
    unique_number,
    unique_uuid,
)


def _only_submission(board, path: str, email: str) -> dict:
    (submission,) = board.submissions(path)
    assert submission["email"] == email
    (resume,) = submission["files"]
    assert resume["name"] == "resume.pdf"
    assert resume["size"] == len(RESUME)
    assert resume["sha256"] == RESUME_SHA256
    return submission


def test_the_current_greenhouse_form(board):
    path, email = f"/greenhouse/acme/jobs/{unique_number()}", unique_email()
    answer = apply_greenhouse(Visitor(board.url), path, email)

    assert answer.status_code == 200, answer.text
    assert answer.json()["redirect"] == path + "/confirmation"
    submission = _only_submission(board, path, email)
    assert submission["form"] == "greenhouse"
    assert submission["values"]["question_2"] == "Yes"
    assert submission["values"]["country"] == "United Kingdom +44"
    assert submission["files"][0]["field"] == "resume"


def test_the_older_greenhouse_form(board):
    job_id, email = unique_number(), unique_email()
    answer = apply_greenhouse_embed(Visitor(board.url), "acme", job_id, email)

    assert answer.status_code == 200, answer.text
    assert 'id="application_confirmation"' in answer.text
    submission = _only_submission(board, f"/greenhouse/acme/jobs/{job_id}", email)
    assert submission["form"] == "greenhouse_embed"
    assert submission["values"]["job_application[answers_attributes][1][boolean_value]"] == "1"


def test_lever(board):
    path, email = f"/lever/initech/{unique_uuid()}", unique_email()
    answer = apply_lever(Visitor(board.url), path, email)

    assert answer.status_code == 200, answer.text
    assert "Application submitted!" in answer.text
    assert 'class="application-confirmation' in answer.text
    submission = _only_submission(board, path, email)
    assert submission["values"]["name"] == "Ada Lovelace"
    assert submission["values"]["urls[LinkedIn]"] == "https://linkedin.com/in/ada"


def test_ashby(board):
    path, email = f"/ashby/umbrella/{unique_uuid()}", unique_email()
    answer = apply_ashby(Visitor(board.url), path, email)

    assert answer.status_code == 200, answer.text
    assert answer.json()["ok"] is True
    submission = _only_submission(board, path, email)
    assert submission["values"]["_systemfield_name"] == "Ada Lovelace"
    assert "Yes" in submission["values"].values()


def test_the_multi_step_form(board):
    path, email = f"/careers/hooli/req-{unique_number()}", unique_email()
    answer = apply_careers(Visitor(board.url), path, email)

    assert answer.status_code == 200, answer.text
    assert "<h1>Application received</h1>" in answer.text
    submission = _only_submission(board, path, email)
    assert submission["values"]["first_name"] == "Ada"
    assert submission["values"]["favourite_data_structure"].startswith("The heap")


def test_the_form_behind_an_emailed_code(board):
    path, email = f"/verified/stark-industries/{unique_number()}", unique_email()
    answer = apply_verified(Visitor(board.url), board, path, email)

    assert answer.status_code == 200, answer.text
    assert "<h1>Application received</h1>" in answer.text
    submission = _only_submission(board, path, email)
    assert submission["values"]["email"] == email
