"""Bearer-token authentication for the staff API: a token is one user in one shop."""

from django.utils import timezone
from ninja.security import HttpBearer

from signoff.shops.access import Actor
from signoff.shops.models import ApiToken, Membership


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if not token:
            return None
        row = (
            ApiToken.objects.select_related("user", "shop")
            .filter(token_hash=ApiToken.hash(token), revoked_at__isnull=True)
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        membership = Membership.objects.filter(user=row.user, shop=row.shop).first()
        if membership is None:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.actor = Actor(user=row.user, shop=row.shop, role=membership.role)
        request.user = row.user
        return request.actor
