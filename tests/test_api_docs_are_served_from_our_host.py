"""/api/docs/ works without internet access: Swagger UI's scripts, styles and icon come from our
own static files, not from a CDN."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

ASSET = re.compile(r"""<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)\"""")


def assets_of(page: str) -> list[str]:
    return ASSET.findall(page)


def test_every_asset_of_the_docs_page_is_one_of_our_static_files(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assets = assets_of(response.content.decode())
    assert len(assets) >= 3  # the bundle, the preset and the style sheet, at least
    for asset in assets:
        assert asset.startswith(settings.STATIC_URL), asset
        assert finders.find(asset.split("?")[0].removeprefix(settings.STATIC_URL)), asset


def test_the_docs_assets_are_served_by_the_web_process(settings):
    # WhiteNoise serves the apps' static files with finders (as with DEBUG on in the demo) or
    # collected ones (collectstatic, as in the image).
    settings.WHITENOISE_USE_FINDERS = True
    client = Client()

    assets = assets_of(client.get("/api/docs/").content.decode())

    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
