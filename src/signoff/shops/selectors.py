"""Reads about a shop for its settings pages."""

from __future__ import annotations

from django.db.models import QuerySet

from signoff.shops.access import Actor
from signoff.shops.models import ApiToken


def api_tokens_for(*, actor: Actor) -> QuerySet[ApiToken]:
    """Owners and managers see every token of the shop; other members see their own."""
    qs = ApiToken.objects.filter(shop=actor.shop).select_related("user")
    if not actor.can_admin:
        qs = qs.filter(user=actor.user)
    return qs.order_by("revoked_at", "-created_at")
