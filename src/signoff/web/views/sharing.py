"""Staff pages for sharing: the share form (dialog or its own page), copying a link, revoking one."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from signoff.core.errors import Conflict, LinkGone, SignoffError, ValidationFailed
from signoff.orders.selectors import repair_order_get
from signoff.sharing import reminders, rules, selectors, services
from signoff.shops.access import Actor, require_editor
from signoff.web.estimate import announce_ro_changed
from signoff.web.forms.sharing import KIND_SLUGS, ShareForm
from signoff.web.panels_sharing import share_dialog_context
from signoff.web.views.base import staff_view


def _shared_summary(result: services.ShareResult) -> str:
    people = {}
    for message in result.messages:
        people.setdefault(message.contact.name, []).append(message.get_channel_display().lower())
    who = "; ".join(f"{name} ({' and '.join(ways)})" for name, ways in people.items())
    return f"Version {result.share.version.number} shared with {who}. Delivery status is below."


@staff_view
def share(request: HttpRequest, actor: Actor, ro_id: int, slug: str) -> HttpResponse:
    """GET: the share form on its own page. POST: share, then back to the RO page."""
    kind = KIND_SLUGS.get(slug)
    if kind is None:
        raise Http404("No such way to share.")
    require_editor(actor)
    ro = repair_order_get(actor=actor, ro_id=ro_id)
    options = selectors.share_recipient_options(repair_order=ro)
    form = ShareForm(request.POST or None, kind=kind, options=options)
    status = 200
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise ValidationFailed(
                    "The estimate was not shared. Check the highlighted choices.",
                    fields={k: " ".join(v) for k, v in form.errors.items()},
                )
            result = services.share_create(
                actor=actor, ro_id=ro.pk, kind=kind, **form.service_kwargs()
            )
        except SignoffError as exc:
            form.add_service_error(exc)
            status = exc.status
        else:
            messages.success(request, _shared_summary(result))
            return redirect("web:ro_detail", ro_id=ro.pk)
    blockers = rules.share_blockers(
        kind=kind, statuses=selectors.ro_statuses(repair_order=ro), repair_order=ro
    )
    dialog = share_dialog_context(
        ro=ro, kind=kind, options=options, blockers=blockers, form=form, standalone=True
    )
    return render(request, "web/sharing/share_page.html", {"ro": ro, "d": dialog}, status=status)


@require_POST
@staff_view
def link_url(request: HttpRequest, actor: Actor, link_id: int) -> JsonResponse:
    """The link's URL as JSON, for the Copy link button: derived only when asked, never in the
    page. A POST, so it is not prefetched, cached or left in a browser's history."""
    try:
        address = services.share_link_reveal(actor=actor, link_id=link_id)
    except (Conflict, LinkGone) as exc:
        return JsonResponse({"error": exc.message}, status=exc.status)
    response = JsonResponse({"url": address.url})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_view
def link_revoke(request: HttpRequest, actor: Actor, link_id: int) -> HttpResponse:
    link = services.link_revoke(actor=actor, link_id=link_id)
    messages.success(request, f"{link.contact.name}'s link was revoked; it no longer opens.")
    if request.htmx:
        # Only the flash is swapped in; the links table refreshes on the event.
        response = render(request, "web/_flash_oob.html")
        response["HX-Reswap"] = "none"
        return announce_ro_changed(response, ro_id=link.repair_order_id)
    return redirect(reverse("web:ro_detail", args=[link.repair_order_id]) + "#ro-messages")


@require_POST
@staff_view
def message_fallback(request: HttpRequest, actor: Actor, message_id: int) -> HttpResponse:
    """Send a share message that was not delivered again, by the contact's other channel."""
    try:
        sent = reminders.fallback_send(actor=actor, message_id=message_id)
    except Conflict as exc:
        messages.error(request, exc.message)
        ro_id = selectors.message_repair_order_id(actor=actor, message_id=message_id)
    else:
        how = "by email" if sent.channel == "email" else "by text"
        messages.success(request, f"Sent again {how} to {sent.contact.name}.")
        ro_id = sent.repair_order_id
    if request.htmx:
        response = render(request, "web/_flash_oob.html")
        response["HX-Reswap"] = "none"
        return announce_ro_changed(response, ro_id=ro_id)
    return redirect(reverse("web:ro_detail", args=[ro_id]) + "#ro-messages")
