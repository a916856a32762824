"""Gaps the permission walk leaves: htmx requests from outsiders, and spoofed client addresses."""

from tests.support.clients import client_for
from tests.support.walk import outsider_page_problems, report

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}


def test_outsiders_get_404_from_every_staff_page_even_as_an_htmx_request(world, charlie):
    """Views that answer htmx with a partial must scope that branch too."""
    problems = outsider_page_problems(client_for(charlie), world, headers=HTMX)
    assert not problems, report("Another shop's objects must be 404 to htmx too", problems)


def test_a_spoofed_x_forwarded_for_does_not_escape_the_token_guessing_limit(client, db, settings):
    settings.PORTAL_RATE_LIMIT = 3
    for n in range(3):
        client.get("/s/" + "y" * 43, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = client.get(
        "/s/" + "z" * 43, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert response.status_code == 429
