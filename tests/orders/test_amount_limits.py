"""An RO's lines may add up only to what its versions, decisions and signatures can store:
each line in range is not enough (9,999,999.99 × 9,999,999.99 is not), and PostgreSQL refused
the version's total when such an RO was shared."""

import pytest

from signoff.core.errors import ValidationFailed
from signoff.orders.models import MAX_LINE_NUMBER, MAX_RO_LINES_AMOUNT, Operation
from signoff.orders.services import operation_add, operation_update
from signoff.sharing.services import Recipient, share_create
from tests.factories import priced_ro

pytestmark = pytest.mark.django_db


def _line(quantity, unit_price) -> dict:
    return {"kind": "part", "description": "Gold", "quantity": quantity, "unit_price": unit_price}


def test_lines_adding_up_past_what_a_version_stores_are_refused(owner, shop):
    ro = priced_ro(shop).ro
    big = _line(str(MAX_LINE_NUMBER), str(MAX_LINE_NUMBER))
    with pytest.raises(ValidationFailed) as refused:
        operation_add(actor=owner, ro_id=ro.pk, data={"title": "Gold", "lines": [big]})
    assert "lines" in refused.value.fields
    assert not Operation.objects.filter(title="Gold").exists()


def test_the_limit_counts_the_ros_other_operations_and_discounts_too(owner, shop):
    ro = priced_ro(shop).ro
    line = _line("300", "9999999.99")  # 2,999,999,997.00: more than half the limit
    operation_add(actor=owner, ro_id=ro.pk, data={"title": "A", "lines": [line]})
    discount = {**line, "kind": "fee", "unit_price": "-9999999.99"}
    with pytest.raises(ValidationFailed):
        operation_add(actor=owner, ro_id=ro.pk, data={"title": "B", "lines": [discount]})


def test_an_edit_is_checked_without_the_lines_it_replaces(owner, shop):
    ro = priced_ro(shop).ro
    line = _line("100", "9999999.99")
    op = operation_add(actor=owner, ro_id=ro.pk, data={"title": "A", "lines": [line] * 4})
    operation_update(actor=owner, operation_id=op.pk, data={"lines": [line] * 4})
    with pytest.raises(ValidationFailed):
        operation_update(actor=owner, operation_id=op.pk, data={"lines": [line] * 6})


def test_an_ro_at_the_limit_can_still_be_shared(owner, shop, no_delivery):
    built = priced_ro(shop, contacts=[{"is_primary": True, "notify": "email"}])
    ro, (contact,) = built.ro, built.contacts
    line = _line("100", "9999999.99")  # 999,999,999.00 each; five of them, tax on top
    operation_add(actor=owner, ro_id=ro.pk, data={"title": "A", "lines": [line] * 5})
    result = share_create(
        actor=owner, ro_id=ro.pk, kind="request_approval", recipients=[Recipient(contact.pk)]
    )
    assert result.share.version.total > MAX_RO_LINES_AMOUNT
