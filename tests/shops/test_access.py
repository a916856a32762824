"""The one way an Actor is made: from a membership, with that membership's shop and role."""

import pytest

from signoff.core.errors import NotFound
from signoff.shops.access import actor_for, actor_from_membership
from signoff.shops.models import Membership


def test_an_actor_acts_with_the_role_the_user_has_in_that_shop(alice, carol, shop):
    actor = actor_for(user=carol, shop_id=shop.pk)
    assert (actor.user, actor.shop, actor.role) == (carol, shop, "advisor")
    assert actor.can_edit and not actor.can_admin


def test_an_actor_keeps_the_callers_user_object(alice, shop):
    assert actor_for(user=alice, shop_id=shop.pk).user is alice


def test_a_user_outside_the_shop_gets_not_found(charlie, shop):
    with pytest.raises(NotFound):
        actor_for(user=charlie, shop_id=shop.pk)


def test_an_actor_from_a_membership_takes_its_shop_and_role(bob, shop):
    membership = Membership.objects.select_related("user", "shop").get(user=bob)
    actor = actor_from_membership(membership)
    assert (actor.user, actor.shop, actor.role, actor.can_edit) == (bob, shop, "technician", False)
