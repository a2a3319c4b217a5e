"""A list filter given empty (?state=, ?status=) is refused as any value outside its choices,
as the schema's enum says, rather than read as no filter."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "name"), [("/api/tasks/", "state"), ("/api/approvals/", "status")]
)
def test_an_empty_filter_is_a_400(owner_client, path, name):
    response = owner_client.get(path, {name: ""})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert response.json()["detail"].startswith(f"{name}: ")
