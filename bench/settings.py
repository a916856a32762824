"""Signoff's settings for the benchmarks that run Django in their own process (the test client):
static files straight from the apps' folders, as nothing is collected there. Everything else is
as in production."""

from signoff.settings import *  # noqa: F403
from signoff.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
