"""The API docs page renders the schema in a real browser (Swagger UI, served offline, under the
Content-Security-Policy): every operation is listed and opens, and Swagger UI reports no error
about the document (a bad one shows an "Errors" box: "Parser error …", "Resolver error …")."""

import pytest
from django.test import Client

pytestmark = pytest.mark.browser


def _operation_count() -> int:
    schema = Client().get("/api/v1/openapi.json").json()
    return sum(len(operations) for operations in schema["paths"].values())


def _watch(page) -> list[str]:
    """Everything the page complains about: script errors, console errors (a refused script
    or style under the CSP is one)."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    return problems


def _no_errors_box(page) -> None:
    assert page.locator(".errors-wrapper").count() == 0, page.locator(
        ".errors-wrapper"
    ).inner_text()
    assert page.get_by_text("Parser error").count() == 0
    assert page.get_by_text("Resolver error").count() == 0
    assert page.locator("text=Unable to render this definition").count() == 0


def _open_docs(page, live_server) -> None:
    """Opens the docs and waits for Swagger UI to show the operations, or its errors box."""
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock, .errors-wrapper", timeout=15_000)
    _no_errors_box(page)


def test_the_api_docs_page_lists_every_operation_without_errors(page, live_server):
    expected = _operation_count()
    problems = _watch(page)
    _open_docs(page, live_server)
    page.wait_for_load_state("networkidle")
    assert page.locator(".opblock").count() == expected
    assert (
        page.locator(".opblock-summary-path", has_text="/api/v1/versions/{version_id}/pdf").count()
        == 1
    )
    _no_errors_box(page)
    assert problems == []


# Deeply nested answers, a file, and a write with a body, a header and most error statuses.
OPENED = [
    ("get", "/api/v1/portal/{token}"),
    ("get", "/api/v1/versions/{version_id}/pdf"),
    ("post", "/api/v1/repair-orders/{ro_id}/shares"),
]


def test_operations_open_with_their_responses_resolved(page, live_server):
    """Opening an operation resolves its $refs: a dangling one is a "Resolver error". (Opening
    all of them takes Swagger UI over a minute; tests/api/test_openapi.py checks every $ref.)"""
    problems = _watch(page)
    _open_docs(page, live_server)
    for method, path in OPENED:
        block = page.locator(f".opblock-{method}", has=page.locator(f'[data-path="{path}"]'))
        block.locator(".opblock-summary-control").click()
        block.locator(".responses-wrapper").wait_for()
        assert "503" in block.locator(".responses-table").first.inner_text()
    pdf = page.locator(
        ".opblock-get", has=page.locator('[data-path="/api/v1/versions/{version_id}/pdf"]')
    )
    assert "application/pdf" in pdf.inner_text()
    _no_errors_box(page)
    assert problems == []
