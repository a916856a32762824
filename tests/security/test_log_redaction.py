"""Share-link tokens never reach the logs: Django's request warnings and gunicorn's access log."""

import io
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from signoff.core.redact import redact
from signoff.gunicorn_log import GunicornLogger

TOKEN = "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c"


@pytest.fixture
def request_log():
    """What Django's request logger writes, through the handler the settings give it."""
    handler = logging.getLogger("django.request").handlers[0]
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


def test_a_not_found_share_link_is_logged_without_its_token(client, db, request_log):
    assert client.get(f"/s/{TOKEN}").status_code == 404
    assert client.get(f"/api/v1/portal/{TOKEN}").status_code == 404
    logged = request_log.getvalue()
    assert "/s/[token]" in logged and "/api/v1/portal/[token]" in logged
    assert TOKEN not in logged


def test_the_access_log_hides_tokens_in_the_path_referer_and_location():
    logger = GunicornLogger(Config())
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": f"/s/{TOKEN}/total",
        "PATH_INFO": f"/s/{TOKEN}/total",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_REFERER": f"https://shop.example/s/{TOKEN}",
    }
    resp = SimpleNamespace(status="302 Found", sent=0, headers=[("Location", f"/s/{TOKEN}/done")])
    req = SimpleNamespace(headers=[("REFERER", f"https://shop.example/s/{TOKEN}")])
    atoms = logger.atoms(resp, req, environ, timedelta(milliseconds=5))
    assert atoms["r"] == "POST /s/[token]/total HTTP/1.1"
    assert atoms["f"] == "https://shop.example/s/[token]"
    assert atoms["{location}o"] == "/s/[token]/done"
    assert not [name for name, value in atoms.items() if TOKEN in str(value)]


def test_staff_paths_are_left_alone():
    assert redact("GET /ros/12/share/request-approval/ HTTP/1.1") == (
        "GET /ros/12/share/request-approval/ HTTP/1.1"
    )


@pytest.mark.parametrize(
    "raw",
    [
        f"/%73/{TOKEN}",
        f"/s%2F{TOKEN}",
        f"/%2573/{TOKEN}",
        f"/s/{TOKEN[:10]}%41{TOKEN[10:]}",
        f"/api/v1/%70ortal/{TOKEN}/approval",
    ],
)
def test_a_percent_encoded_path_to_a_share_link_is_redacted_as_decoded(raw):
    assert TOKEN not in redact(f"GET {raw} HTTP/1.1").replace("%41", "A")
    assert "[token]" in redact(f"GET {raw} HTTP/1.1")


def test_the_access_log_hides_a_token_reached_through_an_encoded_path():
    logger = GunicornLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/%73/{TOKEN}",
        "PATH_INFO": f"/s/{TOKEN}",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7",
    }
    resp = SimpleNamespace(status="200 OK", sent=0, headers=[])
    req = SimpleNamespace(headers=[])
    atoms = logger.atoms(resp, req, environ, timedelta(milliseconds=5))
    assert atoms["r"] == "GET /s/[token] HTTP/1.1"
    assert not [name for name, value in atoms.items() if TOKEN in str(value)]


def test_django_routes_the_encoded_path_to_the_share_page_and_logs_no_token(
    client, db, request_log
):
    # The customer page answers it (a 404 for this unknown token), so it is a real way in.
    response = client.get(f"/%73/{TOKEN}")
    assert response.status_code == 404
    assert b"We could not find this estimate" in response.content
    assert TOKEN not in request_log.getvalue()
