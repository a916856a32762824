"""Attaches `request.actor` (the staff user in their current shop) for staff pages."""

from django.utils.functional import SimpleLazyObject

from signoff.shops.access import actor_from_membership
from signoff.shops.models import Membership

SESSION_KEY = "signoff_shop_id"


def _actor(request):
    user = request.user
    if not user.is_authenticated:
        return None
    # By shop name for the switcher, sorted here: a user has a few shops, and an ORDER BY over
    # the shop's wide row costs more to build than to run (signoff.core.queries).
    memberships = sorted(
        Membership.objects.select_related("shop").filter(user=user).order_by(),
        key=lambda m: (m.shop.name.casefold(), m.shop_id),
    )
    if not memberships:
        return None
    wanted = request.session.get(SESSION_KEY)
    chosen = next((m for m in memberships if m.shop_id == wanted), memberships[0])
    request.memberships = memberships
    chosen.user = user  # the request's user, not another copy of the same row
    return actor_from_membership(chosen)


class CurrentShopMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.memberships = []
        request.actor = SimpleLazyObject(lambda: _actor(request))
        return self.get_response(request)
