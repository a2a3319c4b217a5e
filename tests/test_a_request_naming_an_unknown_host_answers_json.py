"""A request Django refuses before any view (a Host header not in ALLOWED_HOSTS) answers a JSON
400 under /api/, and Django's own page elsewhere."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_an_unknown_host_gets_a_json_400_under_api_and_html_elsewhere():
    client = Client(HTTP_HOST="evil.example")

    api = client.get("/api/health/")
    admin = client.get("/admin/")

    assert api.status_code == 400
    assert api.json() == {"error": "bad_request", "detail": "The request cannot be read."}
    assert admin.status_code == 400
    assert admin["Content-Type"].startswith("text/html")
