"""The admin site's titles and its login, throttled like the staff login. Each app registers its
own models in its `admin.py`."""

from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse

from signoff.web.login_throttle import THROTTLED, ThrottledAdminAuthenticationForm

admin.site.site_header = "Signoff administration"
admin.site.site_title = "Signoff admin"
admin.site.login_form = ThrottledAdminAuthenticationForm

_admin_login = admin.site.login


def _login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """The admin's own login view, answering 429 (as /login/ does) once the limit is reached."""
    response = _admin_login(request, extra_context)
    form = (getattr(response, "context_data", None) or {}).get("form")
    if form is not None and form.has_error(NON_FIELD_ERRORS, THROTTLED):
        response.status_code = 429
    return response


# Set on the site before its URLs are built (`signoff.urls` reads admin.site.urls after the
# apps' admin modules ran), so /admin/login/ routes here.
admin.site.login = _login
