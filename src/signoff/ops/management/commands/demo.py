"""`signoff demo`: a ready-to-try shop with staff logins, customers, vehicles and estimates."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from signoff.customers import services as customers
from signoff.orders import services as orders
from signoff.shops.access import Actor, actor_for
from signoff.shops.models import Membership, OverEstimateRule, PaperSize, Role, Shop, SmsStatus
from signoff.shops.services import api_token_create, shop_create

SHOP_SLUG = "main-street-auto-truck"
PASSWORD = "signoff-demo"
# (username, first name, last name, role)
STAFF = [
    ("demo", "Dana", "Whitfield", Role.OWNER),
    ("advisor", "Alex", "Rivera", Role.ADVISOR),
    ("tech", "Sam", "Okafor", Role.TECHNICIAN),
]


def _labor(description: str, hours: str, rate: str) -> dict:
    return {
        "kind": "labor",
        "description": description,
        "quantity": hours,
        "unit_price": rate,
        "taxable": False,  # California does not tax repair labor.
    }


def _part(number: str, description: str, qty: str, price: str) -> dict:
    return {
        "kind": "part",
        "part_number": number,
        "description": description,
        "quantity": qty,
        "unit_price": price,
        "taxable": True,
    }


def _fee(description: str, amount: str, *, taxable: bool = True) -> dict:
    return {"kind": "fee", "description": description, "unit_price": amount, "taxable": taxable}


CAR_RATE = "165.00"
TRUCK_RATE = "185.00"


class Command(BaseCommand):
    help = "Create the demo shop “Main Street Auto & Truck” with logins and sample estimates."

    def handle(self, *args, **options) -> None:
        if Shop.objects.filter(slug=SHOP_SLUG).exists():
            self.stdout.write(
                "The demo shop already exists; nothing was changed.\n"
                f"Open {settings.SITE_URL}/ and log in with: demo / {PASSWORD}"
            )
            return
        with transaction.atomic():
            shop, users = self._shop()
            owner = actor_for(user=users["demo"], shop_id=shop.pk)
            maria, crv = self._maria(owner)
            cascade, units = self._cascade(owner)
            self._repair_orders(owner, users, maria, crv, cascade, units)
            _token, raw = api_token_create(actor=owner, name="Demo token")
        self.stdout.write(
            "\nCreated the demo shop “Main Street Auto & Truck”.\n\n"
            f"  Open:       {settings.SITE_URL}/\n"
            f"  Demo login: demo / {PASSWORD}   (owner)\n"
            f"  Also:       advisor / {PASSWORD} (service advisor), "
            f"tech / {PASSWORD} (technician, read-only)\n"
            f"  API token:  {raw}\n"
            f"              curl -H 'Authorization: Bearer {raw}' "
            f"{settings.SITE_URL}/api/v1/repair-orders\n"
        )

    def _shop(self) -> tuple[Shop, dict]:
        shop = shop_create(
            name="Main Street Auto & Truck",
            slug=SHOP_SLUG,
            phone="+13235550142",
            email="service@mainstreetauto.example",
            address="1450 S Main Street, Los Angeles, CA 90015",
            timezone="America/Los_Angeles",
            tax_rate=Decimal("9.250"),
            default_labor_rate=Decimal(CAR_RATE),
            paper_size=PaperSize.LETTER,
            sms_status=SmsStatus.APPROVED,
            sms_sender="+13235550199",
            allow_recommendation_approval=True,
            capture_recommendation_approver=True,
            # A Los Angeles shop: any increase over what was authorized needs a new one.
            over_estimate_rule=OverEstimateRule.CALIFORNIA,
            quiet_hours_start=time(21, 0),
            quiet_hours_end=time(8, 0),
        )
        users = {}
        User = get_user_model()
        for username, first, last, role in STAFF:
            user, _ = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@mainstreetauto.example",
                },
            )
            user.set_password(PASSWORD)
            user.save()
            Membership.objects.create(user=user, shop=shop, role=role)
            users[username] = user
        return shop, users

    def _maria(self, owner: Actor):
        maria = customers.customer_create(
            actor=owner,
            data={"kind": "individual", "name": "Maria Lopez"},
            primary={
                "email": "maria.lopez@example.com",
                "mobile": "(323) 555-0123",
                "notify": "both",
                # Her page opens in English whatever her phone says; Daniel has no preference,
                # so his follows the language toggle and his phone's language.
                "language": "en",
            },
        )
        customers.contact_add(
            actor=owner,
            customer_id=maria.pk,
            data={
                "name": "Daniel Lopez",
                "relationship": "Spouse",
                "email": "daniel.lopez@example.com",
                "mobile": "(323) 555-0188",
                "notify": "both",
            },
        )
        crv = customers.vehicle_add(
            actor=owner,
            customer_id=maria.pk,
            data={
                "vin": "5J6RW2H85KL012345",
                "year": 2019,
                "make": "Honda",
                "model": "CR-V",
                "license_plate": "8KXR214",
                "odometer": 61842,
            },
        )
        return maria, crv

    def _cascade(self, owner: Actor):
        cascade = customers.customer_create(
            actor=owner,
            data={
                "kind": "business",
                "name": "Cascade Freight Lines",
                "notes": "Net 30. PO number required on every RO.",
            },
            primary={
                "name": "Priya Natarajan",
                "relationship": "Fleet manager",
                "email": "priya.natarajan@cascadefreight.example",
                "mobile": "(213) 555-0147",
                "notify": "email",
            },
        )
        for name, relationship, email, mobile, notify in (
            (
                "Tom Becker",
                "Dispatcher",
                "dispatch@cascadefreight.example",
                "(310) 555-0163",
                "text",
            ),
            ("Robert Hale", "Owner", "rhale@cascadefreight.example", "", "email"),
        ):
            customers.contact_add(
                actor=owner,
                customer_id=cascade.pk,
                data={
                    "name": name,
                    "relationship": relationship,
                    "email": email,
                    "mobile": mobile,
                    "notify": notify,
                },
            )
        units = [
            customers.vehicle_add(
                actor=owner,
                customer_id=cascade.pk,
                data={
                    "vin": vin,
                    "year": year,
                    "make": "Freightliner",
                    "model": "Cascadia 126",
                    "unit_number": unit,
                    "license_plate": plate,
                    "odometer": odometer,
                },
            )
            for vin, year, unit, plate, odometer in (
                ("3AKJHHDR0KSKA7731", 2019, "2417", "XP41873", 412_906),
                ("3AKJHHDR3LSLB2264", 2020, "2422", "XP52290", 318_455),
            )
        ]
        return cascade, units

    def _repair_orders(self, owner, users, maria, crv, cascade, units) -> None:
        tz = ZoneInfo(owner.shop.timezone)
        tomorrow = timezone.now().astimezone(tz).date() + timedelta(days=1)
        advisor_id = users["advisor"].pk

        ro = orders.repair_order_create(
            actor=owner,
            customer_id=maria.pk,
            data={
                "vehicle_id": crv.pk,
                "advisor_id": advisor_id,
                "etr": datetime.combine(tomorrow, time(17, 0), tzinfo=tz),
                "odometer_in": 61842,
                "internal_notes": "Customer waiting list: call Maria first, Daniel after 3 PM.",
                "customer_notes": "We kept your old pads to show you. Your car is washed free.",
            },
        )
        for data in (
            {
                "title": "Replace front brake pads and rotors",
                "complaint": "Grinding noise from the front when braking.",
                "cause": "Front pads worn to 2 mm; rotors scored below minimum thickness.",
                "correction": "Replace front pads and both front rotors; clean and lube slides.",
                "lines": [
                    _labor("Front brake pads and rotors", "1.8", CAR_RATE),
                    _part("ACT1089", "Ceramic brake pad set, front", "1", "64.99"),
                    _part("BR901688", "Brake rotor, front", "2", "89.50"),
                    _fee("Brake cleaner and shop supplies", "12.50"),
                ],
            },
            {
                "title": "Mount and balance 4 tires",
                "complaint": "Customer supplied tires; requests installation.",
                "correction": "Mount and balance four tires, new valve stems, set pressures.",
                "lines": [
                    _labor("Mount and balance, 4 tires", "1.2", CAR_RATE),
                    _part("VS-TR413", "Valve stem", "4", "3.25"),
                    _fee("Tire disposal (4 tires)", "18.00", taxable=False),
                ],
            },
            {
                "title": "Oil and filter service",
                "correction": "Drain and refill with 0W-20 synthetic; replace oil filter.",
                "lines": [
                    _labor("Oil and filter change", "0.5", CAR_RATE),
                    _part("0W20-SYN-QT", "0W-20 full synthetic oil (qt)", "5", "8.49"),
                    _part("15400-PLM-A02", "Oil filter", "1", "11.95"),
                ],
            },
            {
                "title": "Replace cabin air filter",
                "kind": "recommendation",
                "cause": "Cabin filter dirty, restricting airflow.",
                "lines": [
                    _labor("Cabin air filter", "0.3", CAR_RATE),
                    _part("80292-TLA-A01", "Cabin air filter", "1", "29.99"),
                ],
            },
            {
                "title": "Coolant flush",
                "kind": "recommendation",
                "cause": "Coolant at 60,000 miles and tests weak; due per maintenance schedule.",
                "lines": [
                    _labor("Cooling system flush and fill", "1.0", CAR_RATE),
                    _part("OL999-TYPE2", "Honda Type 2 coolant (gal)", "2", "32.99"),
                ],
            },
        ):
            orders.operation_add(actor=owner, ro_id=ro.pk, data=data)

        ro = orders.repair_order_create(
            actor=owner,
            customer_id=cascade.pk,
            data={
                "vehicle_id": units[0].pk,
                "advisor_id": owner.user.pk,
                "etr": datetime.combine(tomorrow, time(12, 0), tzinfo=tz),
                "odometer_in": 412_906,
                "internal_notes": "Unit must be back on the road by noon.",
                "customer_notes": "PO 88413.",
            },
        )
        for data in (
            {
                "title": "DOT annual inspection",
                "complaint": "Annual FMCSA inspection due.",
                "correction": "Perform annual inspection per 49 CFR 396.17; issue report and decal.",
                "lines": [
                    _labor("Annual DOT inspection", "1.5", TRUCK_RATE),
                    _fee("Inspection decal and report", "15.00", taxable=False),
                ],
            },
            {
                "title": "Replace 2 steer tires, mount and balance",
                "cause": "Steer tires at 5/32 in., below the 4/32 in. margin the fleet requires.",
                "correction": "Replace both steer tires, mount and balance, torque to spec.",
                "lines": [
                    _labor("Mount and balance steer tires", "1.0", TRUCK_RATE),
                    _part("X-LINE-Z-29575", "Michelin X Line Energy Z 295/75R22.5", "2", "512.00"),
                    _fee("Tire disposal (2 tires)", "24.00", taxable=False),
                ],
            },
            {
                "title": "Replace air dryer cartridge",
                "kind": "recommendation",
                "cause": "Moisture in air tanks at inspection.",
                "lines": [
                    _labor("Air dryer cartridge", "0.8", TRUCK_RATE),
                    _part("BW-107794X", "Bendix AD-IS air dryer cartridge", "1", "118.45"),
                ],
            },
        ):
            orders.operation_add(actor=owner, ro_id=ro.pk, data=data)

        ro = orders.repair_order_create(
            actor=owner,
            customer_id=cascade.pk,
            data={
                "vehicle_id": units[1].pk,
                "advisor_id": advisor_id,
                "odometer_in": 318_455,
            },
        )
        orders.operation_add(
            actor=owner,
            ro_id=ro.pk,
            data={
                "title": "PM service: engine oil, filters, chassis lube",
                "correction": "Change engine oil and filters, lube chassis, check fluids.",
                "lines": [
                    _labor("PM-A service", "2.0", TRUCK_RATE),
                    _part("DEL-15W40-GAL", "15W-40 diesel engine oil (gal)", "11", "21.50"),
                    _part("LF14000NN", "Fleetguard oil filter", "1", "58.20"),
                    _part("FF63009", "Fleetguard fuel filter", "1", "46.75"),
                    _fee("Oil disposal", "9.00", taxable=False),
                ],
            },
        )
