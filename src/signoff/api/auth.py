"""Bearer-token authentication for the staff API: a token is one user in one shop."""

from django.utils import timezone
from ninja.security import HttpBearer

from signoff.core.errors import NotFound
from signoff.shops.access import actor_for
from signoff.shops.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if not token:
            return None
        row = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=ApiToken.hash(token), revoked_at__isnull=True)
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        try:
            actor = actor_for(user=row.user, shop_id=row.shop_id)
        except NotFound:  # no longer a member of the token's shop
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.actor = actor
        request.user = row.user
        return request.actor
