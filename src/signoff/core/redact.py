"""Keeps share-link tokens out of logs: `/s/<token>` is written as `/s/[token]`.

A share link's token is the customer's only credential, so it must not land in access logs,
Django's "Not Found: /s/…" warnings or a proxy's Referer log lines. The Django logging
filter below and the gunicorn logger in `gunicorn_log.py` pass every logged string through `redact()`.
"""

from __future__ import annotations

import logging
import re

# The customer page (/s/<token>…) and its JSON twin (/api/v1/portal/<token>…), anywhere in a
# string (full URLs in Referer headers included). Tokens are 43 URL-safe characters; staff
# paths under /s/ do not exist, so anything token-shaped there is hidden.
_TOKEN_PATH = re.compile(r"(/s/|/api/v1/portal/)[A-Za-z0-9_\-%.~]+")
REDACTED = "[token]"


def redact(text: str) -> str:
    return _TOKEN_PATH.sub(lambda m: m.group(1) + REDACTED, text)


class RedactShareTokens(logging.Filter):
    """A logging filter that rewrites the message and its arguments through `redact()`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True
