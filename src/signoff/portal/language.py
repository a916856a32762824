"""The customer page's language: which one a link's pages show, and remembering the toggle.

The order is `signing.inputs.language_for`'s: the language asked for now (the toggle's
?lang=, a form's posted `lang`), the contact's preference, the toggle's last pick on this
link, the browser's Accept-Language, English. The pick is kept in a cookie whose path is the
link's own (`/s/<token>`), so it follows that link's page, live total and thank-you page, and
no other link (a phone shared by two contacts keeps each one's choice).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from signoff.sharing.models import ShareLink
from signoff.signing.inputs import LANGUAGE_CODES, language_asked, language_for

LANGUAGE_COOKIE = "signoff_lang"
# As long as a link can live (Shop.link_expiry_days is at most 365).
REMEMBER_SECONDS = 365 * 24 * 3600


def remembered_language(request: HttpRequest) -> str | None:
    """The toggle's last pick on the link of this path, if the browser sent a known one."""
    value = request.COOKIES.get(LANGUAGE_COOKIE)
    return value if value in LANGUAGE_CODES else None


def link_language(request: HttpRequest, link: ShareLink | None) -> str:
    """The language of a page of `link` (None: a page that must not say whose link it is)."""
    preferred = link.contact.language if link is not None else None
    return language_for(request, preferred, remembered=remembered_language(request))


def remember_language(request: HttpRequest, response: HttpResponse, *, token: str) -> None:
    """A page opened with ?lang= remembers it for this link: its next pages open in it unless
    the contact has a preference (which the toggle still overrides page by page)."""
    chosen = language_asked(request)
    if request.method != "GET" or not request.GET.get("lang") or chosen is None:
        return
    if response.status_code != 200 or chosen == remembered_language(request):
        return
    response.set_cookie(
        LANGUAGE_COOKIE,
        chosen,
        max_age=REMEMBER_SECONDS,
        path=reverse("portal:page", kwargs={"token": token}),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
