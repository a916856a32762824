"""The staff home page, Today: what needs the advisor now, and the counts in the top bar."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from signoff.sharing.today import today, today_counts
from signoff.shops.access import Actor
from signoff.web.views.base import staff_view


@require_GET
@staff_view
def today_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(request, "web/today.html", {"today": today(actor=actor)})


@require_GET
@staff_view
def today_badge(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The top bar's Today link with its counts, asked for again every half minute."""
    context = {"counts": today_counts(actor=actor), "current": request.GET.get("current") == "1"}
    return render(request, "web/_today_link.html", context)
