"""Keeps share-link tokens out of logs: `/s/<token>` is written as `/s/[token]`.

A share link's token is the customer's only credential, so it must not land in access logs,
Django's "Not Found: /s/…" warnings or a proxy's Referer log lines. The Django logging
filter below and the gunicorn logger in `gunicorn_log.py` pass every logged string through `redact()`.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

# The customer page (/s/<token>…) and its JSON twin (/api/v1/portal/<token>…), anywhere in a
# string (full URLs in Referer headers included). Django routes the *decoded* path, so
# `/%73/<token>` or `/s%2F<token>` open the page too: strings are matched as decoded. The token
# is everything up to the next slash, query, space or quote; staff paths under /s/ do not
# exist, so anything there is hidden.
_TOKEN_PATH = re.compile(r"(/s/|/api/v1/portal/)[^/?#\s\"']+")
REDACTED = "[token]"
# Decoding more than once costs nothing and covers a proxy that decodes again.
_DECODE_ROUNDS = 3


def redact(text: str) -> str:
    """`text` with every share-link token hidden. Unchanged when it holds none; otherwise
    written decoded (percent-escapes resolved), as the server read the path."""
    decoded = text
    for _ in range(_DECODE_ROUNDS):
        unquoted = unquote(decoded)
        if unquoted == decoded:
            break
        decoded = unquoted
    if decoded != text and _TOKEN_PATH.search(decoded):
        text = decoded
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
