"""Signoff's URLs plus /bench/bare/<ro_id>/?bytes=N: the floor a page of N bytes can reach."""

from django.urls import path

from bench.ro_page import bare_sized_view
from signoff.urls import *  # noqa: F403
from signoff.urls import urlpatterns as signoff_urlpatterns

urlpatterns = [path("bench/bare/<int:ro_id>/", bare_sized_view), *signoff_urlpatterns]
