"""The over-estimate warning: approving past the shop's limit over the first authorization."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from signoff.approvals.models import ApprovalReason, Status
from signoff.approvals.selectors import over_limit_warning
from signoff.approvals.services import decision_record
from signoff.shops.access import actor_for
from tests.approvals.helpers import ro_with_operations


@pytest.fixture
def actor(shop, carol):
    return actor_for(user=carol, shop_id=shop.pk)


def _approve(actor, op):
    reason = ApprovalReason.objects.get(shop=actor.shop, label="Email")
    return decision_record(
        actor=actor, operation_id=op.pk, status=Status.APPROVED, reason_id=reason.pk
    )


def _an_hour_later(monkeypatch, hours=2):
    later = timezone.now() + dt.timedelta(hours=hours)
    monkeypatch.setattr(timezone, "now", lambda: later)


def test_no_warning_without_a_limit_or_before_the_first_authorization(shop, actor, monkeypatch):
    ro, (op1, op2) = ro_with_operations(shop)
    assert over_limit_warning(operation=op1, status=Status.APPROVED, shop=shop) is None
    shop.over_limit_percent = Decimal("10")
    assert over_limit_warning(operation=op1, status=Status.APPROVED, shop=shop) is None


def test_approving_past_the_percent_limit_later_warns_with_the_amounts(shop, actor, monkeypatch):
    shop.over_limit_percent = Decimal("10")
    shop.save()
    shop.refresh_from_db()
    ro, (op1, op2) = ro_with_operations(shop)
    _approve(actor, op1)
    _an_hour_later(monkeypatch)
    warning = over_limit_warning(operation=op2, status=Status.APPROVED, shop=shop)
    assert warning == (
        "Approving this brings the approved total to $629.98, $314.99 above the first "
        "authorized total of $314.99 (the shop's limit is 10%). Make sure the customer agreed "
        "to the higher amount."
    )
    assert over_limit_warning(operation=op2, status=Status.DECLINED, shop=shop) is None


def test_approvals_in_the_first_hour_count_as_the_first_authorization(shop, actor, monkeypatch):
    shop.over_limit_amount = Decimal("50.00")
    shop.save()
    ro, (op1, op2, op3) = ro_with_operations(shop, count=3)
    _approve(actor, op1)
    # Several operations approved on one call: none of them is "over" the others.
    assert over_limit_warning(operation=op2, status=Status.APPROVED, shop=shop) is None
    _approve(actor, op2)
    _an_hour_later(monkeypatch)
    assert over_limit_warning(operation=op2, status=Status.APPROVED, shop=shop) is None
    warning = over_limit_warning(operation=op3, status=Status.APPROVED, shop=shop)
    assert "first authorized total of $629.98" in warning
    assert "limit is $50.00" in warning


def test_staying_within_the_amount_limit_does_not_warn(shop, actor, monkeypatch):
    shop.over_limit_amount = Decimal("400.00")
    shop.save()
    ro, (op1, op2) = ro_with_operations(shop)
    _approve(actor, op1)
    _an_hour_later(monkeypatch)
    assert over_limit_warning(operation=op2, status=Status.APPROVED, shop=shop) is None
