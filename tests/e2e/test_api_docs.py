"""The API docs page renders the schema in a real browser (Swagger UI, served offline)."""

import pytest

pytestmark = pytest.mark.browser


def test_the_api_docs_page_lists_the_routes_without_errors(page, live_server):
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15_000)
    assert page.locator("text=Unable to render this definition").count() == 0
    assert page.locator(".errors-wrapper").count() == 0
    assert (
        page.locator(".opblock-summary-path", has_text="/api/v1/versions/{version_id}/pdf").count()
        == 1
    )
