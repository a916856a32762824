"""The RO's hash chain: appending links records, and verify catches changes made behind our back."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from signoff.approvals.chain import GENESIS_HASH, decision_append, verify_repair_order
from signoff.approvals.models import Decision, Event, EventKind, Signature, Source, Status
from signoff.orders.models import Operation
from tests.approvals.helpers import make_signature, ro_with_operations
from tests.factories import EstimateVersionFactory
from tests.support.threads import database_for_threads, in_thread


def _decide(op, status=Status.APPROVED, **kwargs):
    with transaction.atomic():
        return decision_append(operation=op, status=status, source=Source.ON_BEHALF, **kwargs)


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_each_record_points_at_the_hash_of_the_one_before(shop, alice):
    ro, (op1, op2) = ro_with_operations(shop)
    first = _decide(op1, recorded_by=alice)
    second = _decide(op2, status=Status.DECLINED, recorded_by=alice)
    assert (first.sequence, second.sequence) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.content_hash
    assert len(first.content_hash) == 64 and first.content_hash != second.content_hash


def test_decision_records_the_latest_version_unless_told_otherwise(shop):
    ro, (op, _) = ro_with_operations(shop)
    assert _decide(op).version is None
    EstimateVersionFactory(repair_order=ro, number=1)
    v2 = EstimateVersionFactory(repair_order=ro, number=2)
    assert _decide(op).version == v2


def test_each_decision_is_also_written_as_an_event(shop, alice):
    ro, (op, _) = ro_with_operations(shop)
    decision = _decide(op, recorded_by=alice)
    event = Event.objects.get(repair_order=ro, kind=EventKind.DECISION_RECORDED)
    assert event.data["decision"] == decision.pk
    assert event.data["content_hash"] == decision.content_hash
    assert event.actor == alice


def test_verify_says_intact_for_untouched_evidence(shop):
    ro, (op1, op2) = ro_with_operations(shop)
    version = EstimateVersionFactory(repair_order=ro)
    _decide(op1, comment="Called at 9am", ip="2001:DB8::1", user_agent="UA")
    make_signature(ro, version)
    last = _decide(op2, status=Status.DEFERRED, amount=Decimal("12.5"))
    result = verify_repair_order(repair_order=ro)
    assert result.ok, result.problems
    assert result.checked == 4  # three chain records and one version
    assert result.head_hash == last.content_hash
    assert result.result == "intact"


def test_verify_on_an_ro_without_decisions_is_intact(shop):
    ro, _ = ro_with_operations(shop)
    assert verify_repair_order(repair_order=ro).summary == "Intact: 0 records checked."


def test_editing_a_decision_with_sql_is_caught_and_the_record_named(shop):
    ro, (op1, op2) = ro_with_operations(shop)
    _decide(op1)
    second = _decide(op2, status=Status.DECLINED, comment="Customer said no")
    _decide(op1, status=Status.DEFERRED)
    _sql("UPDATE approvals_decision SET status = %s WHERE id = %s", ["approved", second.pk])

    result = verify_repair_order(repair_order=ro)

    assert not result.ok
    assert result.problems[0] == f"Decision #{second.pk} (sequence 2): content hash does not match"
    assert result.result == "broken"


def test_editing_a_hash_to_match_the_change_still_breaks_the_next_link(shop):
    ro, (op1, op2) = ro_with_operations(shop)
    first = _decide(op1)
    second = _decide(op2)
    _sql("UPDATE approvals_decision SET content_hash = %s WHERE id = %s", ["f" * 64, first.pk])
    problems = verify_repair_order(repair_order=ro).problems
    assert problems == [
        f"Decision #{first.pk} (sequence 1): content hash does not match",
        f"Decision #{second.pk} (sequence 2): previous hash does not match "
        f"Decision #{first.pk} (sequence 1)",
    ]


def test_deleting_a_decision_with_sql_is_caught(shop):
    ro, (op1, op2) = ro_with_operations(shop)
    _decide(op1)
    middle = _decide(op2)
    last = _decide(op1, status=Status.DECLINED)
    _sql("DELETE FROM approvals_event WHERE repair_order_id = %s", [ro.pk])
    _sql("DELETE FROM approvals_decision WHERE id = %s", [middle.pk])
    problems = verify_repair_order(repair_order=ro).problems
    assert problems[0] == (
        f"Decision #{last.pk} (sequence 3): sequence 2 is missing (a record was removed)"
    )


def test_reordering_decisions_with_sql_is_caught(shop):
    ro, (op1, op2) = ro_with_operations(shop)
    first = _decide(op1)
    second = _decide(op2, status=Status.DECLINED)
    third = _decide(op1, status=Status.DEFERRED)
    # Swap sequences 1 and 2 (through a free number: (RO, sequence) is unique).
    _sql("UPDATE approvals_decision SET sequence = 99 WHERE id = %s", [first.pk])
    _sql("UPDATE approvals_decision SET sequence = 1 WHERE id = %s", [second.pk])
    _sql("UPDATE approvals_decision SET sequence = 2 WHERE id = %s", [first.pk])

    problems = verify_repair_order(repair_order=ro).problems

    assert problems[0] == f"Decision #{second.pk} (sequence 1): content hash does not match"
    assert f"Decision #{third.pk} (sequence 3): previous hash does not match" in problems[-1]


def test_inserting_a_forged_decision_with_sql_is_caught(shop):
    ro, (op, _) = ro_with_operations(shop)
    real = _decide(op)
    columns = [
        f.column for f in Decision._meta.concrete_fields if f.column not in ("id", "sequence")
    ]
    _sql(
        f"INSERT INTO approvals_decision ({', '.join(columns)}, sequence) "  # noqa: S608
        f"SELECT {', '.join(columns)}, 2 FROM approvals_decision WHERE id = %s",
        [real.pk],
    )
    forged = Decision.objects.get(repair_order=ro, sequence=2)
    problems = verify_repair_order(repair_order=ro).problems
    assert problems[0] == f"Decision #{forged.pk} (sequence 2): content hash does not match"


def test_changing_a_signature_image_with_sql_is_caught(shop):
    ro, (op, _) = ro_with_operations(shop)
    signature = make_signature(ro, EstimateVersionFactory(repair_order=ro))
    _decide(op, signature=signature)
    _sql("UPDATE approvals_signature SET png = %s WHERE id = %s", [b"not the png", signature.pk])
    problems = verify_repair_order(repair_order=ro).problems
    assert problems[0] == (f"Signature #{signature.pk} (sequence 1): content hash does not match")


def test_changing_the_signed_version_with_sql_is_caught(shop):
    ro, _ = ro_with_operations(shop)
    version = EstimateVersionFactory(repair_order=ro)
    signature = make_signature(ro, version)
    _sql(
        "UPDATE sharing_estimateversion SET content_hash = %s WHERE id = %s",
        ["a" * 64, version.pk],
    )
    problems = verify_repair_order(repair_order=ro).problems
    assert problems == [
        f"Signature #{signature.pk} (sequence 1): bound to a version hash that estimate "
        "version 1 does not have",
        "Estimate version 1: content does not match its hash",
    ]


def test_signatures_take_the_next_place_in_the_same_chain(shop):
    ro, (op, _) = ro_with_operations(shop)
    decision = _decide(op)
    signature = make_signature(ro, EstimateVersionFactory(repair_order=ro))
    assert signature.sequence == 2
    assert signature.prev_hash == decision.content_hash
    assert _decide(op).prev_hash == signature.content_hash


def test_a_signature_for_another_ros_version_is_refused(shop):
    ro, _ = ro_with_operations(shop)
    other_ro, _ = ro_with_operations(shop)
    with pytest.raises(ValueError):
        make_signature(ro, EstimateVersionFactory(repair_order=other_ro))
    assert not Signature.objects.exists()


def test_evidence_cannot_be_changed_or_deleted_through_the_orm(shop):
    ro, (op, _) = ro_with_operations(shop)
    decision = _decide(op)
    with pytest.raises(TypeError):
        decision.save()
    with pytest.raises(TypeError):
        Decision.objects.filter(pk=decision.pk).update(comment="x")
    with pytest.raises(TypeError):
        Decision.objects.filter(pk=decision.pk).delete()


def test_bulk_and_get_or_create_paths_cannot_change_a_decision_either(shop):
    ro, (op, _) = ro_with_operations(shop)
    decision = _decide(op)
    decision.comment = "rewritten"
    with pytest.raises(TypeError), transaction.atomic():
        Decision.objects.bulk_update([decision], ["comment"])
    with pytest.raises(TypeError), transaction.atomic():
        Decision.objects.update_or_create(pk=decision.pk, defaults={"comment": "rewritten"})
    with pytest.raises(TypeError), transaction.atomic():
        decision.delete()
    assert Decision.objects.get(pk=decision.pk).comment == ""


@pytest.mark.parametrize("evidence", ["decision", "signature", "event"])
def test_deleting_the_repair_order_or_the_shop_cannot_take_the_evidence_with_it(shop, evidence):
    from django.db.models import ProtectedError

    from signoff.orders.models import RepairOrder
    from signoff.shops.models import Shop

    ro, (op, _) = ro_with_operations(shop)
    if evidence == "decision":
        _decide(op)
    elif evidence == "signature":
        make_signature(ro, EstimateVersionFactory(repair_order=ro))
    else:
        Event.objects.create(shop=shop, repair_order=ro, kind=EventKind.LINK_OPENED)
    for doomed in (RepairOrder.objects.filter(pk=ro.pk), Shop.objects.filter(pk=shop.pk)):
        with pytest.raises(ProtectedError), transaction.atomic():
            doomed.delete()
    assert RepairOrder.objects.filter(pk=ro.pk).exists()
    assert Event.objects.filter(repair_order=ro).exists()
    assert verify_repair_order(repair_order=ro).ok


@pytest.mark.django_db(transaction=True)
def test_staff_deciding_the_same_operation_at_once_are_all_chained_in_order(shop, tmp_path):
    ro, (op,) = ro_with_operations(shop, count=1)
    db_settings = database_for_threads(tmp_path)
    start = threading.Barrier(4)

    def decide(status):
        def work():
            operation = Operation.objects.get(pk=op.pk)
            start.wait(timeout=10)
            return [_decide(operation, status=status).sequence for _ in range(3)]

        return work

    runs = [
        in_thread(db_settings, decide(s))
        for s in (Status.APPROVED, Status.DECLINED, Status.DEFERRED, Status.APPROVED)
    ]
    for thread, _ in runs:
        thread.join(timeout=60)
    results = [out[0] for _, out in runs]
    assert not [r for r in results if isinstance(r, BaseException)], results

    def check():
        sequences = Decision.objects.filter(repair_order=ro).values_list("sequence", flat=True)
        return list(sequences), verify_repair_order(repair_order=ro).ok

    thread, out = in_thread(db_settings, check)
    thread.join(timeout=60)
    assert out == [(list(range(1, 13)), True)]
    assert sorted(seq for r in results for seq in r) == list(range(1, 13))


@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_the_same_operation_at_the_same_moment_are_both_recorded(
    shop, alice, carol, tmp_path
):
    """Through the service the pop-up and the API call, as two people clicking at once."""
    from signoff.approvals.models import ApprovalReason
    from signoff.approvals.services import decision_record
    from signoff.shops.access import actor_for

    ro, (op,) = ro_with_operations(shop, count=1)
    reason = ApprovalReason.objects.get(shop=shop, label="Phone call")
    contact = ro.customer.contacts.get()
    db_settings = database_for_threads(tmp_path)
    start = threading.Barrier(2)

    def decide(user, status):
        def work():
            actor = actor_for(user=user, shop_id=shop.pk)
            start.wait(timeout=10)
            return decision_record(
                actor=actor,
                operation_id=op.pk,
                status=status,
                reason_id=reason.pk,
                contact_id=contact.pk,
                phone_number="(503) 555-0142",
            ).sequence

        return work

    runs = [
        in_thread(db_settings, decide(alice, Status.APPROVED)),
        in_thread(db_settings, decide(carol, Status.DECLINED)),
    ]
    for thread, _ in runs:
        thread.join(timeout=60)
    results = [out[0] for _, out in runs]
    assert all(isinstance(r, int) for r in results), results  # an error in a thread, shown
    assert sorted(results) == [1, 2], results

    def check():
        rows = Decision.objects.filter(repair_order=ro).order_by("sequence")
        return [(d.sequence, d.recorded_by_id) for d in rows], verify_repair_order(
            repair_order=ro
        ).ok

    thread, out = in_thread(db_settings, check)
    thread.join(timeout=60)
    ((recorded, intact),) = out
    assert intact
    assert sorted(user for _, user in recorded) == sorted([alice.pk, carol.pk])
