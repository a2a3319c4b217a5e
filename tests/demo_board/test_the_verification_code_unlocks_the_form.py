"""The form behind an e-mailed code: the code "sent" is in the outbox; a wrong code is refused,
a code asked for in another session does not work here, and the right one opens the form."""

from tests.demo_board.visitors import Visitor, resume, unique_email, unique_number


def test_wrong_then_right_code(board):
    path, email, visitor = f"/verified/stark/{unique_number()}", unique_email(), Visitor(board.url)
    visitor.open(path)
    sent = visitor.post(path, {"action": "send", "email": email})
    assert f"We sent a code to <strong>{email}</strong>" in sent.text
    assert 'for="verification_code">Verification code</label>' in sent.text
    (message,) = board.outbox(email)
    assert len(message["code"]) == 6 and message["code"].isdigit()
    wrong = str((int(message["code"]) + 1) % 10**6).zfill(6)

    refused = visitor.post(path, {"action": "verify", "code": wrong})
    assert refused.status_code == 400
    assert "That code is not right" in refused.text
    assert 'name="first_name"' not in refused.text

    opened = visitor.post(path, {"action": "verify", "code": message["code"]})
    assert opened.status_code == 200
    assert 'name="first_name"' in opened.text
    assert "Submit application" in opened.text
    done = visitor.post(
        path, {"action": "submit", "first_name": "Ada", "last_name": "L"}, {"resume": resume()}
    )
    assert "<h1>Application received</h1>" in done.text
    assert len(board.submissions(path)) == 1


def test_a_code_is_bound_to_the_session_that_asked_for_it(board):
    path, email = f"/verified/stark/{unique_number()}", unique_email()
    asker, other = Visitor(board.url), Visitor(board.url)
    asker.open(path)
    asker.post(path, {"action": "send", "email": email})
    other.open(path)
    other.post(path, {"action": "send", "email": email})
    codes = [message["code"] for message in board.outbox(email)]
    assert len(codes) == 2
    other_code = codes[0]  # newest first: the other visitor's
    if other_code == codes[1]:
        return  # one chance in a million: the two codes are the same

    refused = asker.post(path, {"action": "verify", "code": other_code})

    assert refused.status_code == 400
    assert "That code is not right" in refused.text
