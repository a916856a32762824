"""What the customer page weighs over the wire, with static files collected as production has
them (hashed names, gzip and Brotli copies): not timed, only counted."""

import gzip
import re
from pathlib import Path

import django_htmx
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

# The customer page needs only these apps' static files; collecting all of them (the admin,
# the API docs) would only make the test slow.
PAGE_STATIC = [
    Path(django_settings.BASE_DIR) / "portal" / "static",
    Path(django_htmx.__file__).parent / "static",
]
BROWSER = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
ASSET = re.compile(r'<(?:script|link)[^>]+(?:src|href)="(/static/[^"]+)"')


# Static files collected by the production storage, and served only from there.
COLLECTED = {
    "STATICFILES_DIRS": [str(p) for p in PAGE_STATIC],
    "STATICFILES_FINDERS": ["django.contrib.staticfiles.finders.FileSystemFinder"],
    "STORAGES": {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "signoff.core.staticfiles.IncrementalCompressedManifestStorage"},
    },
    "WHITENOISE_USE_FINDERS": False,
}


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, **COLLECTED):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def collected(settings, static_root):
    settings.STATIC_ROOT = static_root
    for name, value in COLLECTED.items():
        setattr(settings, name, value)


def _wire(response) -> int:
    """Bytes of the body as sent (compressed when it was)."""
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def _assets(page) -> list[str]:
    return ASSET.findall(gzip.decompress(page.content).decode())


def test_the_customer_pages_assets_are_hashed_compressed_and_cached_for_a_year(collected, shared):
    client = Client()  # after the settings change: its whitenoise reads the collected files
    assets = _assets(client.get(shared.url, **BROWSER))
    assert {Path(a).name.split(".")[0] for a in assets} >= {"portal", "htmx-2", "signature"}
    for url in assets:
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", url), url
        response = client.get(url, **BROWSER)
        assert response.status_code == 200
        assert response["Cache-Control"] == "max-age=315360000, public, immutable"
        assert response["Content-Encoding"] == "br"


def test_the_customer_page_itself_is_gzipped_and_never_cached(collected, shared):
    response = Client().get(shared.url, **BROWSER)
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert "no-store" in response["Cache-Control"]


def test_the_first_visit_is_under_35_kb_and_the_next_under_12_kb(collected, shared):
    client = Client()
    page = client.get(shared.url, **BROWSER)
    assets = sum(_wire(client.get(url, **BROWSER)) for url in _assets(page))
    first = _wire(page) + assets
    # The assets are cached for a year under names that change with their content: the next
    # visit fetches the page alone.
    again = _wire(client.get(shared.url, **BROWSER))
    assert first <= 35_000, first
    assert again <= 12_000, again
