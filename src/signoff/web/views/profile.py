"""The member's own page: how they hear about customers' answers."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from signoff.core.errors import ValidationFailed
from signoff.shops.access import Actor
from signoff.shops.services import profile_get, profile_update
from signoff.web.forms import ProfileForm, apply_errors
from signoff.web.views.base import staff_view


@staff_view
def profile(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = ProfileForm(request.POST or None, initial=asdict(profile_get(actor=actor)))
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(actor=actor, **form.cleaned_data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Your profile was saved.")
            return redirect("web:profile")
    return render(request, "web/profile.html", {"form": form})
