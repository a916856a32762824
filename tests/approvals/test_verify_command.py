"""`verify_ro` (what `signoff verify RO-NUMBER` runs)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from signoff.approvals.chain import decision_append
from signoff.approvals.models import Source, Status
from tests.approvals.helpers import ro_with_operations
from tests.factories import RepairOrderFactory


def _run(*args) -> str:
    out = StringIO()
    call_command("verify_ro", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def decided(shop):
    ro, (op, _) = ro_with_operations(shop, number=4321)
    with transaction.atomic():
        decision = decision_append(operation=op, status=Status.APPROVED, source=Source.ON_BEHALF)
    return ro, decision


@pytest.mark.parametrize("spelling", ["4321", "RO 4321", "RO-4321", "ro4321", "#4321"])
def test_every_usual_spelling_of_the_number_finds_the_ro(decided, spelling):
    assert "RO 4321 (Main Street Auto): intact — 1 records checked." in _run(spelling)


def test_a_tampered_ro_fails_naming_the_first_broken_record(decided):
    ro, decision = decided
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE approvals_decision SET reason_label = %s WHERE id = %s", ["x", decision.pk]
        )
    out = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("verify_ro", "RO-4321", stdout=out)
    assert f"Decision #{decision.pk} (sequence 1): content hash does not match" in str(exc.value)
    assert "BROKEN" in out.getvalue()


def test_a_number_in_several_shops_needs_the_shop(decided, other_shop):
    RepairOrderFactory(shop=other_shop, number=4321)
    with pytest.raises(CommandError, match="add --shop"):
        _run("4321")
    ro, _ = decided
    assert "intact" in _run("4321", "--shop", ro.shop.slug)


def test_an_unknown_or_garbled_number_says_so(decided):
    with pytest.raises(CommandError, match="No RO 9999"):
        _run("9999")
    with pytest.raises(CommandError, match="is not an RO number"):
        _run("RO-ABC")
