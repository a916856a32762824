"""What the staff forms refuse: text over its field's limit (never cut), line breaks in names,
and numbers and ids outside their range (never a server error)."""

import re

import pytest
from django.utils.html import escape

from signoff.approvals.models import ApprovalReason, Decision
from signoff.customers.models import Contact, Customer, Vehicle
from signoff.orders.models import Operation, RepairOrder
from signoff.shops.models import ApiToken
from tests.factories import ContactFactory, CustomerFactory, priced_ro
from tests.web.test_customers import contact_form, new_customer
from tests.web.test_operations import op_form

pytestmark = pytest.mark.django_db

TOO_BIG = "99999999999999999999"
MEGABYTE = "x" * 1_000_000


def _page(response) -> str:
    return response.content.decode()


# --- text ----------------------------------------------------------------------------------------


def test_a_customer_name_longer_than_its_limit_is_refused_naming_the_limit(alice_client, shop):
    response = alice_client.post("/customers/new/", new_customer(name="M" * 1000))
    assert response.status_code == 200
    assert "Use at most 150 characters for the name." in _page(response)
    assert not Customer.objects.exists()


def test_a_customer_name_at_its_limit_is_kept_whole(alice_client, shop):
    response = alice_client.post("/customers/new/", new_customer(name="M" * 150))
    assert response.status_code == 302
    assert Customer.objects.get().name == "M" * 150


def test_customer_notes_of_a_megabyte_are_refused(alice_client, shop):
    response = alice_client.post("/customers/new/", new_customer(notes=MEGABYTE))
    assert "Use at most 10,000 characters for the notes." in _page(response)
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("field", "label"),
    [("internal_notes", "internal notes"), ("customer_notes", "notes for the customer")],
)
def test_repair_order_notes_of_a_megabyte_are_refused(alice_client, shop, field, label):
    ro = priced_ro(shop).ro
    response = alice_client.post(f"/ros/{ro.pk}/edit/", {"status": "estimate", field: MEGABYTE})
    assert f"Use at most 10,000 characters for the {label}." in _page(response)
    ro.refresh_from_db()
    assert (ro.internal_notes, ro.customer_notes) == ("", "")


@pytest.mark.parametrize("field", ["complaint", "cause", "correction"])
def test_operation_text_over_its_limit_is_refused_not_cut(alice_client, shop, field):
    ro = priced_ro(shop).ro
    response = alice_client.post(f"/ros/{ro.pk}/operations/new/", op_form(**{field: MEGABYTE}))
    assert f"Use at most 5,000 characters for the {field}." in _page(response)
    assert not Operation.objects.filter(title="Replace wiper blades").exists()


def test_a_line_description_over_its_limit_is_refused_on_its_line(alice_client, shop):
    ro = priced_ro(shop).ro
    data = op_form(**{"lines-1-description": "d" * 201})
    response = alice_client.post(f"/ros/{ro.pk}/operations/new/", data)
    assert "Use at most 200 characters for the description." in _page(response)
    assert not Operation.objects.filter(title="Replace wiper blades").exists()


@pytest.mark.parametrize("name", ["Maria\r\nBcc: all@example.com", "Maria\nLopez", "Maria\x1b"])
def test_a_customer_name_with_a_line_break_or_control_character_is_refused(
    alice_client, shop, name
):
    response = alice_client.post("/customers/new/", new_customer(name=name))
    assert response.status_code == 200
    page = _page(response)
    assert "the name" in page
    assert not Customer.objects.exists()


def test_a_contact_name_with_a_line_break_is_refused(alice_client, shop):
    customer = CustomerFactory(shop=shop)
    response = alice_client.post(
        f"/customers/{customer.pk}/contacts/new/", contact_form(name="Daniel\r\nBcc: x@y.example")
    )
    assert "Write the name on one line, without line breaks." in _page(response)
    assert not Contact.objects.exists()


def test_a_shop_name_with_a_line_break_is_refused(alice_client, shop):
    from signoff.web.forms import ShopSettingsForm

    data = {k: v for k, v in ShopSettingsForm.initial_from(shop).items() if v is not None}
    data["name"] = "Main Street\r\nAuto"
    response = alice_client.post("/settings/", data)
    assert "Write the shop name on one line, without line breaks." in _page(response)
    shop.refresh_from_db()
    assert shop.name == "Main Street Auto"


def test_notes_keep_their_line_breaks_and_show_them_escaped(alice_client, shop):
    notes = "Fleet of 3 <trucks>.\r\nCall before noon."
    response = alice_client.post("/customers/new/", new_customer(notes=notes))
    assert response.status_code == 302
    assert Customer.objects.get().notes == notes
    page = _page(alice_client.get(response["Location"]))
    assert escape("Fleet of 3 <trucks>.") in page and "<trucks>" not in page


def test_a_reason_label_over_its_limit_is_refused(alice_client, shop):
    response = alice_client.post("/settings/reasons/", {"label": "r" * 81, "kind": "other"})
    assert response.status_code == 422
    assert "Use at most 80 characters for the reason." in _page(response)
    assert not ApprovalReason.objects.filter(label="r" * 81).exists()


def test_an_api_token_name_with_a_line_break_is_refused(alice_client, shop):
    alice_client.post("/settings/api-tokens/", {"name": "DMS\r\nsync"})
    assert not ApiToken.objects.exists()


# --- numbers and ids -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"/ros/{TOO_BIG}/",
        f"/ros/{TOO_BIG}/edit/",
        f"/customers/{TOO_BIG}/",
        f"/operations/{TOO_BIG}/decide/",
        f"/settings/reasons/{TOO_BIG}/",
        f"/ros/{2**63}/in-person/",
        f"/share-links/{2**63}/revoke/",
    ],
)
def test_an_id_in_a_staff_url_beyond_the_database_range_is_not_found(alice_client, shop, path):
    assert alice_client.get(path).status_code == 404
    assert alice_client.post(path, {}).status_code == 404


@pytest.mark.parametrize("value", [TOO_BIG, str(2**63), "-1", "1e3", "٣"])
def test_a_new_ro_for_a_customer_id_that_is_not_an_id_starts_by_choosing_one(
    alice_client, shop, value
):
    response = alice_client.get("/ros/new/", {"customer": value})
    assert response.status_code == 200
    assert "web/ro_pick_customer.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("field", ["vehicle_id", "advisor_id"])
def test_a_vehicle_or_advisor_id_beyond_the_database_range_is_refused(alice_client, shop, field):
    customer = CustomerFactory(shop=shop)
    response = alice_client.post(
        "/ros/new/", {"customer": customer.pk, "status": "estimate", field: TOO_BIG}
    )
    assert response.status_code == 200
    assert "Choose" in _page(response)
    assert not RepairOrder.objects.exists()


@pytest.mark.parametrize("field", ["reason", "contact"])
@pytest.mark.parametrize("value", [TOO_BIG, str(2**63), "0", "-5"])
def test_a_decision_naming_an_id_outside_the_range_is_refused(alice_client, shop, field, value):
    built = priced_ro(shop, contacts=[{"is_primary": True}], operations=[{}])
    [operation] = built.operations
    reason = ApprovalReason.objects.filter(shop=shop).first()
    data = {"status": "approved", "reason": reason.pk, field: value}
    response = alice_client.post(f"/operations/{operation.pk}/decide/", data)
    assert response.status_code == 422
    assert not Decision.objects.exists()


@pytest.mark.parametrize("index", ["²", "9" * 500])
def test_a_line_row_number_that_is_not_a_row_is_ignored(alice_client, shop, index):
    ro = priced_ro(shop).ro
    data = op_form(**{f"lines-{index}-kind": "part", f"lines-{index}-description": "x"})
    response = alice_client.post(f"/ros/{ro.pk}/operations/new/", data)
    assert response.status_code == 302
    assert Operation.objects.get(title="Replace wiper blades").lines.count() == 2


@pytest.mark.parametrize("value", ["1e999", "-1e999", "1e99999999", "NaN", "sNaN", "Infinity"])
@pytest.mark.parametrize("field", ["quantity", "unit_price"])
def test_line_numbers_that_are_not_finite_or_far_too_large_are_refused(
    alice_client, shop, field, value
):
    ro = priced_ro(shop).ro
    data = op_form(**{f"lines-1-{field}": value})
    response = alice_client.post(f"/ros/{ro.pk}/operations/new/", data)
    assert response.status_code == 200
    assert not Operation.objects.filter(title="Replace wiper blades").exists()


@pytest.mark.parametrize("value", [TOO_BIG, "1e3", "-1", "٣٤", "9" * 5000])
def test_an_odometer_or_year_that_is_not_a_whole_number_in_range_is_refused(
    alice_client, shop, value
):
    customer = CustomerFactory(shop=shop)
    for field in ("year", "odometer"):
        response = alice_client.post(
            f"/customers/{customer.pk}/vehicles/new/", {"make": "Ford", field: value}
        )
        assert response.status_code == 200, field
    assert not Vehicle.objects.exists()


@pytest.mark.parametrize("value", [TOO_BIG, str(2**63), "NaN", "٣"])
def test_switching_to_a_shop_id_that_is_not_an_id_is_not_found(alice_client, shop, value):
    assert alice_client.post("/switch-shop/", {"shop": value}).status_code == 404


# --- searches ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/customers/", "/ros/new/"])
@pytest.mark.parametrize("query", [MEGABYTE, "x" * 201, "Ana\x00"])
def test_a_search_that_cannot_be_one_finds_nothing_and_says_why(alice_client, shop, path, query):
    CustomerFactory(shop=shop, name="Ana")
    response = alice_client.get(path, {"q": query})
    assert response.status_code == 200
    page = _page(response)
    assert "the search" in page
    assert "Ana</a>" not in page


def test_a_search_of_200_characters_is_run(alice_client, shop):
    CustomerFactory(shop=shop, name="A" * 150)
    response = alice_client.get("/customers/", {"q": "A" * 150})
    assert "A" * 150 + "</a>" in _page(response)


def test_an_ro_number_search_of_20_digits_finds_nothing(alice_client, shop):
    priced_ro(shop)
    assert alice_client.get("/", {"q": "RO " + TOO_BIG}).status_code == 200


# --- the form's own rows and limits --------------------------------------------------------------


def test_a_line_of_a_kind_the_page_never_offers_is_refused_on_its_row_not_dropped(
    alice_client, shop
):
    ro = priced_ro(shop).ro
    data = op_form(**{"lines-1-kind": "<script>"})
    response = alice_client.post(f"/ros/{ro.pk}/operations/new/", data)
    assert response.status_code == 200
    assert "Choose labor, part or fee." in _page(response)
    assert "<script>" not in _page(response)
    assert not Operation.objects.filter(title="Replace wiper blades").exists()


def test_the_forms_tell_the_browser_each_fields_limit_from_the_model(alice_client, shop):
    page = _page(alice_client.get("/customers/new/"))
    assert re.search(r'name="name"[^>]*maxlength="150"', page)
    assert re.search(r'name="notes"[^>]*maxlength="10000"', page)
    ro = priced_ro(shop).ro
    page = _page(alice_client.get(f"/ros/{ro.pk}/operations/new/"))
    assert re.search(r'name="correction"[^>]*maxlength="5000"', page)


def test_ids_the_staff_pages_post_back_are_never_localized(alice_client, shop, settings):
    settings.USE_THOUSAND_SEPARATOR = True
    built = priced_ro(shop, operations=[{}])
    ContactFactory(pk=12345, customer=built.ro.customer, notify="email")
    [operation] = built.operations
    decide = _page(
        alice_client.get(f"/operations/{operation.pk}/decide/", HTTP_ACCEPT_LANGUAGE="es")
    )
    assert 'value="12345"' in decide and "12,345" not in decide and "12.345" not in decide
    share = _page(alice_client.get(f"/ros/{built.ro.pk}/share/request-approval/"))
    assert 'name="recipient" value="12345"' in share and 'value="12345:email"' in share


def test_an_email_address_longer_than_its_column_is_refused(alice_client, shop):
    customer = CustomerFactory(shop=shop)
    long_email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".example"  # valid, 313 chars
    response = alice_client.post(
        f"/customers/{customer.pk}/contacts/new/", contact_form(email=long_email)
    )
    assert "Use at most 254 characters for an email address." in _page(response)
    assert not Contact.objects.exists()
