"""Gunicorn's access log for `signoff run`, with share-link tokens hidden (see `redact.py`)."""

from __future__ import annotations

from gunicorn.glogging import Logger

from signoff.core.redact import redact


class GunicornLogger(Logger):
    """Access-log atoms (path, request line, Referer, Location, …) pass through `redact()`."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}
