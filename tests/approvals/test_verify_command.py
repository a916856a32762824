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
    assert "RO 4321 (Main Street Auto): intact — 1 record checked." in _run(spelling)


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
    assert out.getvalue().splitlines()[:2] == [
        "RO 4321 (Main Street Auto): BROKEN — 1 problem:",
        f"  - Decision #{decision.pk} (sequence 1): content hash does not match",
    ]


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


def test_an_ro_with_nothing_recorded_says_so_instead_of_printing_a_hash(shop):
    ro, _ = ro_with_operations(shop, number=5555)
    assert _run("5555") == (
        "RO 5555 (Main Street Auto): intact — nothing recorded yet "
        "(no decisions, signatures or estimate versions).\n"
    )


def _console(*argv) -> tuple[int, str, str]:
    """Run the command as `signoff verify` does (from the command line), capturing its output."""
    from signoff.approvals.management.commands.verify_ro import Command

    out, err = StringIO(), StringIO()
    command = Command(stdout=out, stderr=err)
    command._called_from_command_line = True  # what run_from_argv sets
    options = vars(command.create_parser("signoff", "verify_ro").parse_args(argv))
    code = 0
    try:
        command.execute(**options)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_from_the_console_a_broken_chain_exits_1_with_a_plain_sentence(decided):
    ro, decision = decided
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE approvals_decision SET status = %s WHERE id = %s", ["declined", decision.pk]
        )
    code, out, err = _console("RO-4321")
    assert code == 1
    assert "Something changed these records outside Signoff." in out
    assert err == (
        f"RO 4321 failed verification: Decision #{decision.pk} (sequence 1): "
        "content hash does not match\n"
    )


def test_from_the_console_an_unknown_ro_is_a_plain_sentence_too(decided):
    code, out, err = _console("RO-9999")
    assert (code, out, err) == (1, "", "No RO 9999.\n")
