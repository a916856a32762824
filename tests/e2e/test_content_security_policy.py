"""Every page type loads under the Content-Security-Policy in a real browser with no violation
and no script error: the staff pages, the in-person screen, the customer page, the API docs
and the error pages."""

import pytest

from tests.e2e.conftest import TEST_PASSWORD
from tests.portal.builders import shared_estimate

pytestmark = pytest.mark.browser

# Recorded from the first script of every document, before the page's own run.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


class Watcher:
    """What the browser complained about: policy violations and script errors."""

    def __init__(self, page):
        self.page = page
        self.violations: list[str] = []
        self.errors: list[str] = []
        page.context.add_init_script(WATCH)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))

    def _console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Permissions-Policy" in text:
            self.violations.append(f"{self.page.url}: {text}")
        elif message.type == "error" and not text.startswith("Failed to load resource"):
            self.errors.append(f"{self.page.url}: {text}")

    def visit(self, url: str, *, settle: str | None = None) -> None:
        response = self.page.goto(url)
        assert response is not None
        if settle:
            self.page.wait_for_selector(settle, timeout=15_000)
        self.page.wait_for_load_state("networkidle")
        self.check()

    def check(self) -> None:
        self.violations += [
            f"{self.page.url}: {v}" for v in self.page.evaluate("window.__violations")
        ]
        self.page.evaluate("window.__violations = []")
        assert self.violations == [], self.violations
        assert self.errors == [], self.errors


@pytest.fixture
def shared(shop):
    return shared_estimate(shop=shop)


def test_the_staff_pages_run_under_the_policy(page, live_server, logged_in_page, alice, shared):
    watcher = Watcher(page)
    watcher.visit(f"{live_server.url}/admin/login/")
    watcher.visit(f"{live_server.url}/login/")
    logged_in_page(alice)
    base = live_server.url
    ro, customer = shared.ro, shared.ro.customer
    watcher.visit(f"{base}/")
    watcher.visit(f"{base}/ros/{ro.pk}/", settle="tr.op-row")
    # A pop-up fetched by htmx runs its own script.
    page.locator(f"#op-{shared.brakes.pk} .approval-status-form select").select_option("approved")
    page.wait_for_selector("dialog[open]")
    page.wait_for_load_state("networkidle")
    watcher.check()
    watcher.visit(f"{base}/customers/")
    watcher.visit(f"{base}/customers/{customer.pk}/")
    watcher.visit(f"{base}/settings/")
    watcher.visit(f"{base}/ros/{ro.pk}/in-person/", settle="[data-approval-form]")
    page.locator(f"input[name=op-{shared.brakes.pk}][value=approved]").check(force=True)
    page.wait_for_load_state("networkidle")
    watcher.check()
    # The screen holds the session for the customer: leaving it shows the unlock page.
    watcher.visit(f"{base}/in-person/unlock/")
    page.get_by_label("Password of").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Unlock").click()
    page.wait_for_url(f"**/ros/{ro.pk}/")
    page.wait_for_load_state("networkidle")
    watcher.check()
    watcher.visit(f"{base}/nothing-here/")
    assert page.locator("h1", has_text="Not found").count() == 1


def test_the_customer_page_and_its_error_pages_run_under_the_policy(page, live_server, shared):
    watcher = Watcher(page)
    watcher.visit(live_server.url + shared.url, settle="[data-approval-form]")
    # Choosing an answer asks the server for the new total (htmx).
    page.locator(f"input[name=op-{shared.brakes.pk}][value=approved]").check(force=True)
    page.wait_for_load_state("networkidle")
    watcher.check()
    watcher.visit(live_server.url + shared.url + "/nothing")
    watcher.visit(live_server.url + "/s/" + "u" * 43 + "?lang=es")


def test_the_api_docs_render_under_their_policy(page, live_server):
    watcher = Watcher(page)
    watcher.visit(f"{live_server.url}/api/v1/docs", settle=".opblock")
    page.locator(".opblock-summary").first.click()
    page.wait_for_load_state("networkidle")
    watcher.check()
    assert page.locator(".errors-wrapper").count() == 0


def test_the_dev_outbox_shows_an_emails_own_styles_without_a_violation(
    page, live_server, logged_in_page, alice, shop, settings, monkeypatch
):
    from tests.web.test_dev_outbox import captured_email

    settings.DEV_OUTBOX = True
    monkeypatch.setattr("signoff.documents.render.estimate_pdf", lambda **kw: b"%PDF-1.4")
    message = captured_email(shop, body_html='<p style="color: rgb(179, 24, 43)">Hello</p>')
    watcher = Watcher(page)
    logged_in_page(alice)
    watcher.visit(f"{live_server.url}/dev/outbox/")
    watcher.visit(f"{live_server.url}/dev/outbox/{message.pk}/", settle="iframe.outbox-html")
    # The preview takes the page's policy; the email's inline styles must still apply.
    preview = page.frame_locator("iframe.outbox-html").locator("p")
    assert preview.evaluate("p => getComputedStyle(p).color") == "rgb(179, 24, 43)"
