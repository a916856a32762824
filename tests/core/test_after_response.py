"""Work handed to `after_response` outside the middleware runs at once, and its failure is
logged, never raised into the view that handed it over."""

import logging

from django.test import RequestFactory

from signoff.core.http import after_response


def test_outside_the_middleware_the_work_runs_at_once_and_a_failure_is_logged(caplog):
    ran = []
    request = RequestFactory().get("/")
    after_response(request, lambda: ran.append(1))
    assert ran == [1]

    def boom():
        raise RuntimeError("bookkeeping broke")

    with caplog.at_level(logging.ERROR, logger="signoff.core.http"):
        after_response(request, boom)
    assert "Work after the response failed" in caplog.text
    assert "bookkeeping broke" in caplog.text
