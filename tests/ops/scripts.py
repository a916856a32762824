"""Python scripts the backup tests run in processes of their own (`python -c SCRIPT ARGS`),
writing through Signoff's own code into the database their DATABASE_URL names."""

# A shop (named by the first argument) with one RO: a frozen version, two decisions, a signature
# and an outbox message. On SQLite what it writes stays in the -wal file (no checkpoints).
SEED = """
import sys
import django
django.setup()
from django.db import connection, transaction
from signoff.approvals.chain import decision_append
from signoff.approvals.models import Source, Status
from signoff.approvals.versions import version_freeze
from tests.approvals.helpers import make_signature, ro_with_operations
from tests.factories import MessageFactory, ShopFactory
if connection.vendor == "sqlite":
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint=0")
shop = ShopFactory(name=sys.argv[1])
ro, (first, second) = ro_with_operations(shop)
with transaction.atomic():
    version, _ = version_freeze(repair_order=ro)
    decision_append(operation=first, status=Status.APPROVED, source=Source.ON_BEHALF)
    decision_append(operation=second, status=Status.DECLINED, source=Source.ON_BEHALF)
    make_signature(ro, version)
MessageFactory(share__version=version)
"""

# Records decisions through the service the staff pages use until the stop file appears.
WRITER = """
import sys
from pathlib import Path
import django
django.setup()
from signoff.approvals.models import DECIDABLE_STATUSES, ApprovalReason
from signoff.approvals.services import decision_record
from signoff.shops.access import actor_for
from tests.approvals.helpers import ro_with_operations
from tests.factories import MembershipFactory, ShopFactory
shop = ShopFactory(name="Busy Auto")
actor = actor_for(user=MembershipFactory(shop=shop, role="advisor").user, shop_id=shop.pk)
email = ApprovalReason.objects.get(shop=shop, label="Email")
operations = [op for _ in range(3) for op in ro_with_operations(shop)[1]]
stop = Path(sys.argv[1])
print("ready", flush=True)
n = 0
while not stop.exists():
    decision_record(
        actor=actor,
        operation_id=operations[n % len(operations)].pk,
        status=DECIDABLE_STATUSES[n % 3],
        reason_id=email.pk,
    )
    n += 1
print(n, flush=True)
"""
