"""The browsable API titles its pages in words, not with the view's class name."""


def test_the_run_list_page_is_titled_run_list(owner, client):
    client.force_login(owner)

    page = client.get("/api/runs/", HTTP_ACCEPT="text/html").content.decode()

    assert "<h1>Run list</h1>" in page
    assert "Run List Api" not in page
