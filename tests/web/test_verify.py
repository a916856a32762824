"""The staff page that re-runs the evidence check (the certificate's QR code points here)."""

from django.db import connection, transaction

from signoff.approvals.chain import decision_append
from signoff.approvals.models import Source, Status
from tests.approvals.helpers import ro_with_operations
from tests.support.clients import client_for


def _decided_ro(shop):
    ro, (op, _) = ro_with_operations(shop)
    with transaction.atomic():
        decision = decision_append(operation=op, status=Status.APPROVED, source=Source.ON_BEHALF)
    return ro, decision


def test_the_verify_page_says_intact_for_untouched_evidence(shop, bob):
    ro, decision = _decided_ro(shop)
    html = client_for(bob).get(f"/ros/{ro.pk}/verify/").content.decode()
    assert 'data-result="intact"' in html
    assert decision.content_hash in html


def test_the_verify_page_names_the_record_changed_behind_our_back(shop, alice):
    ro, decision = _decided_ro(shop)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE approvals_decision SET comment = %s WHERE id = %s", ["edited", decision.pk]
        )
    html = client_for(alice).get(f"/ros/{ro.pk}/verify/").content.decode()
    assert 'data-result="broken"' in html
    assert f"Decision #{decision.pk} (sequence 1): content hash does not match" in html


def test_another_shops_ro_cannot_be_verified(shop, charlie):
    ro, _ = _decided_ro(shop)
    assert client_for(charlie).get(f"/ros/{ro.pk}/verify/").status_code == 404
