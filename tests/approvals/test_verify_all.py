"""`verify_all` (what `signoff verify --all [--shop SLUG]` runs) and `chain.verify_all`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from signoff.approvals.chain import decision_append, verify_all
from signoff.approvals.models import Source, Status
from signoff.approvals.versions import version_freeze
from tests.approvals.helpers import make_signature, ro_with_operations
from tests.factories import RepairOrderFactory

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("verify_all", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def evidence(shop, other_shop, owner):
    """shop: RO 7001 with a version, two decisions and a signature, and an empty RO 7002;
    other_shop: RO 8001 with one decision."""
    ro, (first, second) = ro_with_operations(shop, number=7001)
    with transaction.atomic():
        version, _ = version_freeze(repair_order=ro, user=owner.user)
        decision_append(operation=first, status=Status.APPROVED, source=Source.ON_BEHALF)
        decision_append(operation=second, status=Status.DECLINED, source=Source.ON_BEHALF)
        make_signature(ro, version)
    RepairOrderFactory(shop=shop, number=7002)
    other, (op, _) = ro_with_operations(other_shop, number=8001)
    with transaction.atomic():
        decision = decision_append(operation=op, status=Status.APPROVED, source=Source.ON_BEHALF)
    return ro, other, decision


def test_every_ro_of_every_shop_is_checked_and_counted(evidence):
    assert _run() == (
        "Checked 3 ROs in 2 shops: 3 decisions, 1 signature, 1 version — all intact.\n"
    )


def test_one_shop_only(evidence, shop):
    assert _run("--shop", shop.slug) == (
        "Checked 2 ROs in 1 shop: 2 decisions, 1 signature, 1 version — all intact.\n"
    )


def test_an_unknown_shop_says_so(evidence):
    with pytest.raises(CommandError, match="No shop with the slug “nowhere”"):
        _run("--shop", "nowhere")


def test_a_decision_altered_with_raw_sql_fails_naming_the_ro_and_its_first_problem(evidence):
    _, other, decision = evidence
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE approvals_decision SET comment = %s WHERE id = %s", ["edited", decision.pk]
        )
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("verify_all", stdout=out)
    assert str(failed.value) == (
        "1 of 3 ROs failed verification; each is listed above with its first problem."
    )
    lines = out.getvalue().splitlines()
    assert lines[:2] == [
        "Checked 3 ROs in 2 shops: 3 decisions, 1 signature, 1 version — 1 RO BROKEN:",
        f"  - RO 8001 (Across Town Tire): Decision #{decision.pk} (sequence 1): "
        "content hash does not match",
    ]
    assert lines[2].startswith("Something changed these records outside Signoff.")


def test_from_the_console_a_break_exits_1_with_a_plain_sentence(evidence):
    from signoff.approvals.management.commands.verify_all import Command

    _, _, decision = evidence
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE approvals_decision SET status = 'declined' WHERE id = %s", [decision.pk]
        )
    out, err = StringIO(), StringIO()
    command = Command(stdout=out, stderr=err)
    command._called_from_command_line = True  # what run_from_argv sets
    with pytest.raises(SystemExit) as exited:
        command.execute(**vars(command.create_parser("signoff", "verify_all").parse_args([])))
    assert exited.value.code == 1
    assert err.getvalue() == (
        "1 of 3 ROs failed verification; each is listed above with its first problem.\n"
    )


def test_an_install_without_ros_is_intact(db):
    check = verify_all()
    assert check.ok and check.summary == (
        "Checked 0 ROs in 0 shops: 0 decisions, 0 signatures, 0 versions — all intact."
    )


def test_ros_are_read_in_chunks_not_all_at_once(evidence, monkeypatch):
    from django.db.models.query import QuerySet

    chunked = []
    real = QuerySet.iterator

    def iterator(self, chunk_size=None):
        chunked.append((self.model.__name__, chunk_size))
        return real(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", iterator)
    assert verify_all().repair_orders == 3
    assert chunked == [("RepairOrder", 200)]
