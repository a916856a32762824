"""The shop settings page and the API tokens page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from signoff.approvals import esign
from signoff.core.errors import ValidationFailed
from signoff.shops import selectors, services
from signoff.shops.access import Actor, require_admin
from signoff.web.forms import ApiTokenForm, EsignDisclosureForm, ShopSettingsForm, apply_errors
from signoff.web.views.base import staff_view


@staff_view
def settings_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Owners and managers edit; everyone else sees the same page read-only."""
    read_only = not actor.can_admin
    form = ShopSettingsForm(
        None if read_only else (request.POST or None),
        initial=ShopSettingsForm.initial_from(actor.shop),
        read_only=read_only,
    )
    if request.method == "POST":
        require_admin(actor)
        if form.is_valid():
            try:
                services.shop_settings_update(actor=actor, data=form.service_data())
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Shop settings saved.")
                return redirect("web:settings")
    return render(request, "web/settings.html", {"form": form, "read_only": read_only})


@staff_view
def esign_disclosure(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Settings › E-sign disclosure: the text contacts accept before their first electronic
    signature. Saving a change makes the next version; owners and managers only."""
    read_only = not actor.can_admin
    texts = esign.disclosure_texts(actor.shop)
    initial = {"text_en": texts["en"], "text_es": texts["es"]}
    form = EsignDisclosureForm(
        None if read_only else (request.POST or None), initial=initial, read_only=read_only
    )
    if request.method == "POST":
        require_admin(actor)
        if form.is_valid():
            try:
                saved = esign.disclosure_update(actor=actor, **form.cleaned_data)
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                if saved is None:
                    messages.info(request, "Nothing changed: the disclosure stays as it was.")
                else:
                    messages.success(
                        request,
                        f"Disclosure saved as version {saved.number}. Contacts are asked to "
                        "accept it before they next sign.",
                    )
                return redirect("web:esign_disclosure")
    context = {
        "form": form,
        "read_only": read_only,
        "version": esign.disclosure_version(actor.shop),
    }
    return render(request, "web/esign_disclosure.html", context)


@staff_view
def api_tokens(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(actor=actor, name=form.cleaned_data["name"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            # The raw token is shown in this response only; it is never stored or shown again.
            created = {"token": token, "raw": raw}
            form = ApiTokenForm()
    tokens = selectors.api_tokens_for(actor=actor)
    context = {"form": form, "tokens": tokens, "created": created}
    response = render(request, "web/api_tokens.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_view
def api_token_revoke(request: HttpRequest, actor: Actor, token_id: int) -> HttpResponse:
    token = services.api_token_revoke(actor=actor, token_id=token_id)
    messages.success(request, f"Token “{token.name}” revoked; requests using it now fail.")
    return redirect("web:api_tokens")
