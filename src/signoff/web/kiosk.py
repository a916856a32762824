"""Customer mode for approval in person: while the customer holds the tablet, the staff
session it is signed in with serves only the counter screen.

Opening the in-person screen (`web.views.in_person`) puts the session in customer mode for
that RO (`kiosk_enter`). From then on `KioskMiddleware` answers every other page of the
session — the RO behind the screen's links, the top menu's pages, the admin, the dev outbox, a
URL typed by hand, another RO's counter screen — with the unlock page instead, on the server,
so no link, script or address bar gets past it. The customer's own steps stay open: the
screen itself (answers, language, live total), its thank-you page, and the customer pages and
API, which never use a staff session.

Leaving takes the signed-in staff member's password (`kiosk_unlock`). Wrong passwords are
counted for the session in `core.ratelimit` (a right one hands its attempt back); the
KIOSK_UNLOCK_LIMIT-th wrong one signs the tablet out, so a customer cannot keep guessing, and
trying again takes a staff log-in, which has limits of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from signoff.core import ratelimit
from signoff.core.formatting import staff_name
from signoff.signing.inputs import LANGUAGE_CODES

SESSION_KEY = "signoff_kiosk"
# The counter screen's own routes: open in customer mode for the RO it was entered for.
SCREEN_ROUTES = frozenset(
    {"web:in_person", "web:in_person_total", "web:in_person_done", "web:not_to_exceed_screen"}
)
# Open in customer mode whatever the RO: leaving it, and signing out (which ends it).
OPEN_ROUTES = frozenset({"web:kiosk_unlock", "web:logout", "healthz"})
# Never served with a staff session: customer pages, the token-only API, provider callbacks.
OPEN_NAMESPACES = frozenset({"portal", "api", "hooks"})
# Longer than any password a person types; refused without hashing it.
PASSWORD_MAX_LENGTH = 1000
NEXT_MAX_LENGTH = 2000


@dataclass(frozen=True)
class Kiosk:
    ro_id: int
    language: str


def kiosk_of(request: HttpRequest) -> Kiosk | None:
    """The session's customer mode, if it is in one."""
    state = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not isinstance(state, dict) or not isinstance(state.get("ro"), int):
        return None
    language = state.get("lang") if state.get("lang") in LANGUAGE_CODES else "en"
    return Kiosk(ro_id=state["ro"], language=language)


def kiosk_enter(request: HttpRequest, *, ro_id: int, language: str) -> None:
    """Hold the session on RO `ro_id`'s counter screen (written only when it changes)."""
    state = {"ro": ro_id, "lang": language}
    if request.session.get(SESSION_KEY) != state:
        request.session[SESSION_KEY] = state


def kiosk_allows(request: HttpRequest, kiosk: Kiosk) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    if match.view_name in SCREEN_ROUTES:
        return match.kwargs.get("ro_id") == kiosk.ro_id
    return match.view_name in OPEN_ROUTES or bool(set(match.namespaces) & OPEN_NAMESPACES)


def safe_next(request: HttpRequest, wanted: str | None, *, kiosk: Kiosk | None) -> str:
    """Where to go once unlocked: a page of this site, else the RO behind the screen."""
    if (
        wanted
        and len(wanted) <= NEXT_MAX_LENGTH
        and wanted.startswith("/")
        and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return wanted
    if kiosk is not None:
        return reverse("web:ro_detail", kwargs={"ro_id": kiosk.ro_id})
    return reverse("web:ro_list")


def unlock_page(
    request: HttpRequest, kiosk: Kiosk, *, next_url: str, error: str = "", status: int = 403
) -> HttpResponse:
    """The page shown instead of a staff page in customer mode: who may unlock, and the way
    back to the screen. In the screen's language: it is the customer who meets it."""
    context = {
        "kiosk": kiosk,
        "next_url": next_url,
        "error": error,
        "staff": staff_name(request.user),
        "password_max_length": PASSWORD_MAX_LENGTH,
        "screen_url": reverse("web:in_person", kwargs={"ro_id": kiosk.ro_id})
        + f"?lang={kiosk.language}",
    }
    with translation.override(kiosk.language):
        return render(request, "web/in_person/kiosk_locked.html", context, status=status)


@dataclass(frozen=True)
class Unlock:
    unlocked: bool
    error: str = ""
    signed_out: bool = False


def _attempt(request: HttpRequest) -> ratelimit.Attempt:
    # Per session: signing in again starts a new one (Django cycles the key at log-in).
    return ratelimit.attempt_count(
        scope="kiosk-unlock",
        subject=f"{request.user.pk}:{request.session.session_key}",
        limit=settings.KIOSK_UNLOCK_LIMIT,
        window_seconds=settings.KIOSK_UNLOCK_WINDOW_SECONDS,
    )


def kiosk_unlock(request: HttpRequest, *, password: str) -> Unlock:
    """Leave customer mode with the signed-in staff member's password.

    Counted before it is checked; a right password hands its attempt back. The last wrong
    one the limit allows signs the tablet out (the session ends, customer mode with it)."""
    if not password:
        return Unlock(unlocked=False, error=_("Enter the staff password."))
    attempt = _attempt(request)
    if not attempt.allowed:
        logout(request)
        return Unlock(unlocked=False, signed_out=True)
    if len(password) <= PASSWORD_MAX_LENGTH and request.user.check_password(password):
        ratelimit.attempt_refund(attempt)
        request.session.pop(SESSION_KEY, None)
        return Unlock(unlocked=True)
    left = attempt.limit - attempt.count
    if left <= 0:
        logout(request)
        return Unlock(unlocked=False, signed_out=True)
    wrong = _("That is not the password of %(name)s.") % {"name": staff_name(request.user)}
    tries = ngettext(
        "%(n)d more wrong try signs this tablet out.",
        "%(n)d more wrong tries sign this tablet out.",
        left,
    ) % {"n": left}
    return Unlock(unlocked=False, error=f"{wrong} {tries}")


class KioskMiddleware:
    """Answers a session in customer mode with the unlock page on any page but the counter
    screen's own (see the module's docstring). After the session and the user are read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        kiosk = kiosk_of(request)
        if kiosk is None or not request.user.is_authenticated or kiosk_allows(request, kiosk):
            return self.get_response(request)
        wanted = request.get_full_path() if request.method == "GET" else None
        return unlock_page(request, kiosk, next_url=safe_next(request, wanted, kiosk=kiosk))
