"""Signing in and out, and choosing which shop to work in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from signoff.core.errors import NotFound
from signoff.shops.middleware import SESSION_KEY
from signoff.shops.services import shop_switch
from signoff.web.login_throttle import THROTTLED, ThrottledAuthenticationForm


class _LoginView(auth_views.LoginView):
    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, THROTTLED):
            response.status_code = 429
        return response


login = _LoginView.as_view(
    template_name="web/login.html",
    redirect_authenticated_user=True,
    authentication_form=ThrottledAuthenticationForm,
)
logout = auth_views.LogoutView.as_view()


@require_POST
@login_required
def switch_shop(request: HttpRequest) -> HttpResponse:
    try:
        actor = shop_switch(user=request.user, shop_id=request.POST.get("shop"))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    request.session[SESSION_KEY] = actor.shop.pk
    messages.success(request, f"You are now working in {actor.shop.name}.")
    # The page they were on may belong to the old shop, so go to the new shop's RO list.
    return redirect(reverse("web:ro_list"))
