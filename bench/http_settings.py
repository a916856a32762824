"""Signoff's settings with the bench's bare views added (bench/http_urls.py). Only for
bench/http_pages.py's gunicorn; nothing else differs from production settings."""

from signoff.settings import *  # noqa: F403

ROOT_URLCONF = "bench.http_urls"
