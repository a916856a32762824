import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from signoff.approvals.chain import decision_append
from signoff.customers.models import Contact
from tests.factories import ContactFactory, RepairOrderFactory, api_token_for, priced_operation


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests")
    client.force_login(user)
    return client


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
