"""/ is a small page that says what Applyline is and links to the API docs, the browsable API,
the admin, and signing in or out."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_home_page_links_to_docs_api_admin_and_sign_in_for_a_visitor():
    response = Client().get("/")

    page = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert '<html lang="en">' in page
    assert 'name="viewport"' in page
    assert "<main" in page and "<h1" in page
    for link in (
        'href="/api/docs/"',
        'href="/api/"',
        'href="/admin/"',
        'href="/api-auth/login/?next=/"',
    ):
        assert link in page


def test_the_home_page_offers_a_signed_in_user_to_sign_out(owner):
    client = Client()
    client.force_login(owner)

    page = client.get("/").content.decode()

    assert "owner" in page
    assert 'action="/api-auth/logout/"' in page
    assert 'method="post"' in page
    assert "csrfmiddlewaretoken" in page
