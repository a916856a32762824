from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from signoff.approvals.chain import decision_append
from signoff.approvals.models import DEFAULT_REASONS
from signoff.approvals.services import decision_record
from signoff.customers.models import Contact
from signoff.shops.access import actor_for
from signoff.shops.models import Shop
from tests.factories import (
    ContactFactory,
    RepairOrderFactory,
    UserFactory,
    api_token_for,
    priced_operation,
)


@pytest.fixture
def admin_client(client_for):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests")
    return client_for(user)


@pytest.fixture
def decided(shop, alice):
    ro = RepairOrderFactory(shop=shop)
    op = priced_operation(repair_order=ro)
    with transaction.atomic():
        decision = decision_append(
            operation=op, status="approved", source="on_behalf", recorded_by=alice
        )
    return ro, op, decision


def test_every_registered_model_has_a_working_list_page(admin_client, decided):
    from django.contrib import admin

    for model in admin.site._registry:
        meta = model._meta
        url = f"/admin/{meta.app_label}/{meta.model_name}/"
        assert admin_client.get(url).status_code == 200, url


def test_repair_orders_and_operations_are_view_only(admin_client, decided):
    ro, op, _ = decided
    page = admin_client.get(f"/admin/orders/repairorder/{ro.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert op.title in page
    assert admin_client.get("/admin/orders/operation/add/").status_code == 403
    response = admin_client.post(f"/admin/orders/operation/{op.pk}/change/", {"title": "Changed"})
    assert response.status_code == 403
    op.refresh_from_db()
    assert op.title != "Changed"


def test_decisions_cannot_be_edited_or_deleted(admin_client, decided):
    _, _, decision = decided
    assert admin_client.get(f"/admin/approvals/decision/{decision.pk}/change/").status_code == 200
    assert admin_client.post(f"/admin/approvals/decision/{decision.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/approvals/decision/add/").status_code == 403


def test_api_tokens_cannot_be_added_or_deleted_in_the_admin(admin_client, shop, alice):
    api_token_for(user=alice, shop=shop)
    assert admin_client.get("/admin/shops/apitoken/add/").status_code == 403


def test_the_admin_checks_contact_email_and_phone_like_the_staff_pages(admin_client, shop):
    contact = ContactFactory(customer__shop=shop, is_primary=True)
    customer = contact.customer
    prefix = "contacts"
    data = {
        "kind": customer.kind,
        "name": customer.name,
        "notes": "",
        "shop": shop.pk,
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-0-id": contact.pk,
        f"{prefix}-0-customer": customer.pk,
        f"{prefix}-0-name": contact.name,
        f"{prefix}-0-email": "broken@",
        f"{prefix}-0-mobile": "12",
        f"{prefix}-0-preferred_number": "mobile",
        f"{prefix}-0-notify": "email",
        f"{prefix}-0-language": "en",
        "vehicles-TOTAL_FORMS": "0",
        "vehicles-INITIAL_FORMS": "0",
    }
    response = admin_client.post(f"/admin/customers/customer/{customer.pk}/change/", data)
    body = response.content.decode()
    assert "valid email address" in body
    assert "phone number" in body
    assert Contact.objects.get(pk=contact.pk).email == contact.email


def _form_data(admin_client, url: str) -> dict:
    """What the admin's change page would post back unchanged: every field and inline form."""
    context = admin_client.get(url).context
    data = {}

    def add(form):
        for name, bound in form.fields.items():
            value = form[name].value()
            if value is None or name in getattr(form, "_readonly", ()):
                continue
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = value

    add(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.forms:
            add(form)
    return data


def test_a_shop_cannot_be_deleted_in_the_admin(admin_client, shop):
    assert admin_client.get(f"/admin/shops/shop/{shop.pk}/delete/").status_code == 403


def test_shop_settings_in_the_admin_follow_the_settings_page_rules(admin_client, shop):
    url = f"/admin/shops/shop/{shop.pk}/change/"
    data = _form_data(admin_client, url)
    data.update(timezone="Mars/Olympus_Mons", tax_rate="140", phone="12")
    body = admin_client.post(url, data).content.decode()
    assert "Select a valid choice" in body  # the time zone is a list now
    assert "Enter a tax rate between 0 and 100." in body or "less than or equal to 100" in body
    assert "phone number" in body
    shop.refresh_from_db()
    assert (shop.timezone, shop.tax_rate) == ("America/Los_Angeles", Decimal("8.250"))

    data.update(timezone="America/Chicago", tax_rate="9.5", phone="(312) 555-0100")
    assert admin_client.post(url, data).status_code == 302
    shop.refresh_from_db()
    assert (shop.timezone, shop.tax_rate, shop.phone) == (
        "America/Chicago",
        Decimal("9.500"),
        "+13125550100",
    )


def test_customers_are_not_added_deleted_or_moved_to_another_shop_in_the_admin(
    admin_client, shop, other_shop
):
    contact = ContactFactory(customer__shop=shop, is_primary=True)
    customer = contact.customer
    url = f"/admin/customers/customer/{customer.pk}/change/"
    assert admin_client.get("/admin/customers/customer/add/").status_code == 403
    assert admin_client.get(f"/admin/customers/customer/{customer.pk}/delete/").status_code == 403
    data = _form_data(admin_client, url)
    assert 'name="shop"' not in admin_client.get(url).content.decode()
    data.update(shop=other_shop.pk, name="Maria L. Lopez", **{"contacts-TOTAL_FORMS": "2"})
    data.update({"contacts-1-name": "Sneaked In", "contacts-1-email": "x@example.com"})
    assert admin_client.post(url, data).status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.shop_id) == ("Maria L. Lopez", shop.pk)
    assert list(customer.contacts.values_list("name", flat=True)) == [contact.name]


def test_a_contacts_notification_rules_apply_in_the_admin_too(admin_client, shop):
    contact = ContactFactory(customer__shop=shop, is_primary=True, notify="text", mobile="")
    url = f"/admin/customers/customer/{contact.customer_id}/change/"
    data = _form_data(admin_client, url)
    data["contacts-0-notify"] = "text"
    data["contacts-0-mobile"] = ""
    body = admin_client.post(url, data).content.decode()
    assert "This contact prefers text messages: enter a mobile number" in body


def test_an_approval_reason_stays_in_its_shop(admin_client, shop, other_shop):
    reason = shop.approval_reasons.first()
    url = f"/admin/approvals/approvalreason/{reason.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert 'name="shop"' not in page
    admin_client.post(
        url,
        {
            "shop": other_shop.pk,
            "label": "Phone call (confirmed)",
            "kind": reason.kind,
            "position": 0,
            "active": "on",
        },
    )
    reason.refresh_from_db()
    assert (reason.shop_id, reason.label) == (shop.pk, "Phone call (confirmed)")


def test_an_administrator_adds_a_shop_with_the_default_settings(admin_client, db):
    data = _form_data(admin_client, "/admin/shops/shop/add/")
    data.update(name="Eastside Diesel", slug="eastside-diesel")
    response = admin_client.post("/admin/shops/shop/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    shop = Shop.objects.get(slug="eastside-diesel")
    assert shop.timezone == "America/Los_Angeles" and shop.link_expiry_days == 30


def test_a_shop_added_in_the_admin_has_reasons_its_staff_record_decisions_with(admin_client, db):
    advisor = UserFactory(username="eastside-advisor")
    data = _form_data(admin_client, "/admin/shops/shop/add/")
    data.update(name="Eastside Diesel", slug="eastside-diesel")
    data.update({"memberships-TOTAL_FORMS": "1", "memberships-0-user": advisor.pk})
    data["memberships-0-role"] = "advisor"
    response = admin_client.post("/admin/shops/shop/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    shop = Shop.objects.get(slug="eastside-diesel")
    labels = list(shop.approval_reasons.values_list("label", flat=True))
    assert labels == [label for label, _kind in DEFAULT_REASONS]

    operation = priced_operation(repair_order=RepairOrderFactory(shop=shop))
    decision = decision_record(
        actor=actor_for(user=advisor, shop_id=shop.pk),
        operation_id=operation.pk,
        status="approved",
        reason_id=shop.approval_reasons.get(label="Email").pk,
        comment="Replied to the estimate email",
    )
    assert (decision.status, decision.reason.shop_id, decision.recorded_by) == (
        "approved",
        shop.pk,
        advisor,
    )
