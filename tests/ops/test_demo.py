from io import StringIO

from django.contrib.auth import authenticate
from django.core.management import call_command

from signoff.approvals.models import ApprovalReason
from signoff.customers.models import Contact, Customer, Vehicle
from signoff.customers.validation import vin_check_digit
from signoff.orders.models import Operation, OperationLine, RepairOrder
from signoff.shops.models import ApiToken, Membership, Shop


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_demo_creates_the_shop_logins_customers_vehicles_and_estimates(db):
    output = run_demo()

    shop = Shop.objects.get(name="Main Street Auto & Truck")
    assert shop.timezone == "America/Los_Angeles"
    assert str(shop.tax_rate) == "9.250"
    assert shop.sms_enabled
    roles = dict(Membership.objects.filter(shop=shop).values_list("user__username", "role"))
    assert roles == {"demo": "owner", "advisor": "advisor", "tech": "technician"}
    assert authenticate(username="demo", password="signoff-demo") is not None
    assert ApprovalReason.objects.filter(shop=shop).count() >= 5

    maria = Customer.objects.get(shop=shop, name="Maria Lopez")
    daniel = Contact.objects.get(customer=maria, name="Daniel Lopez")
    assert daniel.relationship == "Spouse" and daniel.notify == "both"
    fleet = Customer.objects.get(shop=shop, name="Cascade Freight Lines", kind="business")
    assert sorted(fleet.contacts.values_list("relationship", flat=True)) == [
        "Dispatcher",
        "Fleet manager",
        "Owner",
    ]
    vehicles = Vehicle.objects.filter(shop=shop)
    assert {v.model for v in vehicles} == {"CR-V", "Cascadia 126"}
    assert sorted(v.unit_number for v in vehicles if v.unit_number) == ["2417", "2422"]
    assert all(vin_check_digit(v.vin) == v.vin[8] for v in vehicles)

    assert RepairOrder.objects.filter(shop=shop).count() == 3
    titles = set(Operation.objects.filter(shop=shop).values_list("title", flat=True))
    assert {"Replace front brake pads and rotors", "DOT annual inspection"} <= titles
    assert Operation.objects.filter(shop=shop, kind="recommendation").count() >= 2
    assert OperationLine.objects.filter(shop=shop, kind="labor").exists()
    assert OperationLine.objects.filter(shop=shop, kind="part").exclude(part_number="").exists()

    assert "Demo login: demo / signoff-demo" in output
    token = ApiToken.objects.get(shop=shop)
    raw = next(word for word in output.split() if word.startswith(ApiToken.PREFIX))
    assert ApiToken.hash(raw) == token.token_hash


def test_demo_refuses_politely_when_the_demo_shop_exists(db):
    run_demo()
    output = run_demo()
    assert "already exists" in output
    assert Shop.objects.count() == 1
    assert RepairOrder.objects.count() == 3
