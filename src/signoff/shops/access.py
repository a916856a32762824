"""Who is acting, in which shop, with which role: the one place staff permissions are decided."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from signoff.core.errors import NotAllowed, NotFound
from signoff.core.queries import one_or_none
from signoff.shops.models import ADMIN_ROLES, EDITOR_ROLES, Membership, Shop


@dataclass(frozen=True)
class Actor:
    """A staff user acting in one shop. Services take this instead of a bare user."""

    user: AbstractBaseUser
    shop: Shop
    role: str

    @property
    def can_edit(self) -> bool:
        return self.role in EDITOR_ROLES

    @property
    def can_admin(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def can_reveal_links(self) -> bool:
        """May see a contact's share link (Copy link, its API route, the dev outbox): whoever
        holds the URL can answer as the contact, so only those who may record answers."""
        return self.can_edit


def actor_from_membership(membership: Membership) -> Actor:
    """The one place an Actor is made: a member acts in their membership's shop, with its role."""
    return Actor(user=membership.user, shop=membership.shop, role=membership.role)


def actor_for(*, user: AbstractBaseUser, shop_id: int) -> Actor:
    """The user's actor in that shop; 404 when they are not a member (never say it exists)."""
    membership = (
        one_or_none(Membership.objects.select_related("shop").filter(user=user, shop_id=shop_id))
        if user.is_authenticated
        else None
    )
    if membership is None:
        raise NotFound("Shop not found.")
    membership.user = user  # the caller's instance, not another copy of the same row
    return actor_from_membership(membership)


def require_editor(actor: Actor) -> None:
    if not actor.can_edit:
        raise NotAllowed("Your role can view estimates but not change them. Ask a service advisor.")


def require_link_access(actor: Actor) -> None:
    if not actor.can_reveal_links:
        raise NotAllowed(
            "Your role cannot see customers' links: whoever holds one can answer for the "
            "customer. Ask a service advisor."
        )


def require_admin(actor: Actor) -> None:
    if not actor.can_admin:
        raise NotAllowed("Only owners and managers can change shop settings.")
