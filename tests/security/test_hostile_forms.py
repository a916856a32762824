"""The hostile corpus (tests/security/corpus.py) through every staff and customer form.

The forms are the POST views of the URL resolver under `web:` and `portal:`; each has a valid
base form here (a view missing from FORMS and NO_FIELDS fails the first test). Each field of
the base form is replaced in turn by every payload of its kind: text fields get the strings,
number fields (a base value that is a number) the numbers. Whatever the answer, it is never a
5xx and never echoes markup unescaped; a refusal saves nothing; a payload that is saved is
stored exactly as sent and shown, escaped, on the page that shows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import get_resolver

from signoff.approvals.models import ApprovalReason
from signoff.approvals.versions import version_current
from signoff.documents.sections import PDF_SECTION_KEYS
from signoff.orders.models import RepairOrder
from signoff.web.forms import ShopSettingsForm
from tests.factories import USER_PASSWORD
from tests.portal.builders import Shared, shared_estimate, signature_fields
from tests.security.corpus import FORM_NUMBERS, INVALID_UTF8, STRINGS
from tests.security.hostile import (
    Problems,
    markup_left_raw,
    newly_stored,
    rolled_back,
    rows,
    shown_literally,
)
from tests.support.clients import client_for
from tests.support.walk import World, build_world, url_patterns
from tests.web.test_customers import contact_form, new_customer
from tests.web.test_operations import op_form

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@dataclass
class Place:
    world: World
    alice: Any
    shared: Shared
    staff: Client

    def shown_total(self, client: Client, url: str, data: dict) -> str:
        """The total the screen shows for these answers (its live total's hidden field)."""
        partial = client.post(url.rstrip("/") + "/total", data).content.decode()
        return re.search(r'name="shown_total" value="([^"]*)"', partial)[1]


@dataclass
class Form:
    """A POST view's valid form, and what its answer and pages look like."""

    url: Callable[[Place], str]
    data: Callable[[Place], dict]
    # Answers that mean "done"; anything else is a refusal, which must save nothing.
    done: tuple[int, ...] = (302,)
    # The page that shows what was saved (default: where a 302 went).
    shows: Callable[[Place], str] | None = None
    # Fields whose value is a choice read with a default (an unknown one is not an error).
    read_with_default: frozenset[str] = frozenset()
    # Saved fields the page does not show (the customer sees them elsewhere: email, PDF).
    not_on_the_page: frozenset[str] = frozenset()
    anonymous: bool = False


def _ro(p: Place) -> int:
    return p.world.ro.pk


def _ro_form(p: Place) -> dict:
    return {
        "vehicle_id": p.world.vehicle.pk,
        "advisor_id": p.alice.pk,
        "etr": "2030-01-02T09:00",
        "odometer_in": "48210",
        "internal_notes": "Call after 3 PM.",
        "customer_notes": "Customer waits.",
    }


def _work_started(p: Place) -> dict:
    """Start work on the world's RO, once its estimate is approved."""
    RepairOrder.objects.filter(pk=_ro(p)).update(status="approved")
    return {"to": "in_progress"}


def _vehicle_form(p: Place) -> dict:
    return {
        "vin": "1HGCM82633A004352",
        "year": "2019",
        "make": "Honda",
        "model": "Accord",
        "unit_number": "U-7",
        "license_plate": "ABC123",
        "odometer": "48210",
    }


def _in_person(p: Place) -> dict:
    shared = p.shared
    url = f"/ros/{shared.ro.pk}/in-person/"
    p.staff.get(url)
    answers = {
        "version": version_current(repair_order=shared.ro).pk,
        f"op-{shared.brakes.pk}": "approved",
    }
    return {
        **answers,
        "lang": "en",
        "contact": shared.primary.pk,
        "consent": "yes",
        "shown_total": p.shown_total(p.staff, url, answers),
        **signature_fields(),
    }


def _not_to_exceed(p: Place) -> dict:
    """A not-to-exceed amount signed at the counter (customer mode from the screen's GET)."""
    p.staff.get(f"/ros/{p.shared.ro.pk}/in-person/not-to-exceed/", {"amount": "500"})
    return {
        "amount": "500.00",
        "lang": "en",
        "contact": p.shared.primary.pk,
        "consent": "yes",
        **signature_fields(),
    }


def _kiosk_unlock(p: Place) -> dict:
    """Leaving customer mode: the session holds the counter screen, the password unlocks it."""
    p.staff.get(f"/ros/{p.shared.ro.pk}/in-person/")
    return {"password": USER_PASSWORD, "next": f"/ros/{p.shared.ro.pk}/"}


def _portal(p: Place) -> dict:
    shared = p.shared
    answers = {
        "version": version_current(repair_order=shared.ro).pk,
        f"op-{shared.brakes.pk}": "approved",
    }
    return {
        **answers,
        "lang": "en",
        "contact": shared.spouse.pk,
        "consent": "yes",
        "shown_total": p.shown_total(Client(), shared.url, answers),
        **signature_fields(),
    }


def _settings(p: Place) -> dict:
    data = ShopSettingsForm.initial_from(p.world.shop)
    return {key: value for key, value in data.items() if value not in (None, False)}


LANG = frozenset({"lang"})

FORMS: dict[str, Form] = {
    "web:login": Form(
        url=lambda p: "/login/",
        data=lambda p: {"username": "alice", "password": "correct-horse-battery"},
        anonymous=True,
    ),
    "web:switch_shop": Form(
        url=lambda p: "/switch-shop/", data=lambda p: {"shop": p.world.shop.pk}
    ),
    "web:ro_create": Form(
        url=lambda p: "/ros/new/",
        data=lambda p: {"customer": p.world.customer.pk, **_ro_form(p)},
    ),
    "web:ro_edit": Form(url=lambda p: f"/ros/{_ro(p)}/edit/", data=_ro_form),
    "web:profile": Form(
        url=lambda p: "/profile/",
        data=lambda p: {"email": "alice@shop.example", "email_on_answer": "on"},
        read_with_default=frozenset({"email_on_answer"}),
    ),
    "web:ro_status": Form(url=lambda p: f"/ros/{_ro(p)}/status/", data=_work_started),
    "web:operation_create": Form(
        url=lambda p: f"/ros/{_ro(p)}/operations/new/", data=lambda p: op_form()
    ),
    "web:operation_edit": Form(
        url=lambda p: f"/operations/{p.world.operation.pk}/edit/", data=lambda p: op_form()
    ),
    "web:operation_move": Form(
        url=lambda p: f"/operations/{p.world.operation.pk}/move/",
        data=lambda p: {"direction": "up"},
        read_with_default=frozenset({"direction"}),
    ),
    "web:decide": Form(
        url=lambda p: f"/operations/{p.world.operation.pk}/decide/",
        data=lambda p: {
            "status": "declined",
            "reason": ApprovalReason.objects.get(shop=p.world.shop, label="Phone call").pk,
            "contact": p.world.contact.pk,
            "phone_number": "(503) 555-0142",
            "comment": "Will call back.",
        },
        shows=lambda p: f"/operations/{p.world.operation.pk}/history/",
    ),
    "web:reasons": Form(
        url=lambda p: "/settings/reasons/",
        data=lambda p: {"label": "Fleet portal", "kind": "other"},
    ),
    "web:reason_edit": Form(
        url=lambda p: f"/settings/reasons/{p.world.reason.pk}/",
        data=lambda p: {"label": "Phoned", "kind": "phone"},
        shows=lambda p: "/settings/reasons/",
    ),
    "web:reason_move": Form(
        url=lambda p: f"/settings/reasons/{p.world.reason.pk}/move/",
        data=lambda p: {"direction": "up"},
        read_with_default=frozenset({"direction"}),
    ),
    "web:share": Form(
        url=lambda p: f"/ros/{_ro(p)}/share/request-approval/",
        data=lambda p: {
            "recipient": p.world.contact.pk,
            "channel": f"{p.world.contact.pk}:email",
            "primary": p.world.contact.pk,
            "include_etr": "on",
            "notes": "Ready by five.",
            "sections": PDF_SECTION_KEYS[0],
        },
        # A ticked box is any value; share notes go to the customer (message and PDF).
        read_with_default=frozenset({"include_etr"}),
        not_on_the_page=frozenset({"notes"}),
    ),
    "web:in_person": Form(
        url=lambda p: f"/ros/{p.shared.ro.pk}/in-person/",
        data=_in_person,
        read_with_default=LANG,
        shows=lambda p: f"/ros/{p.shared.ro.pk}/",
    ),
    "web:not_to_exceed_screen": Form(
        url=lambda p: f"/ros/{p.shared.ro.pk}/in-person/not-to-exceed/",
        data=_not_to_exceed,
        read_with_default=LANG,
        shows=lambda p: f"/ros/{p.shared.ro.pk}/",
    ),
    "web:kiosk_unlock": Form(url=lambda p: "/in-person/unlock/", data=_kiosk_unlock),
    "web:in_person_total": Form(
        url=lambda p: f"/ros/{p.shared.ro.pk}/in-person/total",
        data=lambda p: {
            "version": version_current(repair_order=p.shared.ro).pk,
            f"op-{p.shared.brakes.pk}": "approved",
        },
        done=(200,),
    ),
    "web:customer_create": Form(
        url=lambda p: "/customers/new/",
        data=lambda p: new_customer(),
        # The customer page names a primary contact "Primary", whatever the relationship.
        not_on_the_page=frozenset({"primary-relationship"}),
    ),
    "web:customer_edit": Form(
        url=lambda p: f"/customers/{p.world.customer.pk}/edit/",
        data=lambda p: {"kind": "business", "name": "Rivera Fleet", "notes": "Net 30."},
    ),
    "web:contact_create": Form(
        url=lambda p: f"/customers/{p.world.customer.pk}/contacts/new/",
        data=lambda p: contact_form(),
    ),
    "web:contact_edit": Form(
        url=lambda p: f"/contacts/{p.world.contact.pk}/edit/",
        data=lambda p: contact_form(),
        not_on_the_page=frozenset({"relationship"}),  # the world's contact is the primary
    ),
    "web:vehicle_create": Form(
        url=lambda p: f"/customers/{p.world.customer.pk}/vehicles/new/", data=_vehicle_form
    ),
    "web:vehicle_edit": Form(
        url=lambda p: f"/vehicles/{p.world.vehicle.pk}/edit/", data=_vehicle_form
    ),
    "web:settings": Form(url=lambda p: "/settings/", data=_settings),
    # The logo's field takes a file (tests/web/test_branding.py sends hostile ones); text sent
    # in its place is no file and is ignored.
    "web:branding": Form(
        url=lambda p: "/settings/branding/",
        data=lambda p: {"accent_color": "#7a1f1f", "logo": ""},
        read_with_default=frozenset({"logo"}),
    ),
    "web:esign_disclosure": Form(
        url=lambda p: "/settings/esign/",
        data=lambda p: {"text_en": "Our own words.", "text_es": "Nuestras palabras."},
    ),
    "web:api_tokens": Form(
        url=lambda p: "/settings/api-tokens/",
        data=lambda p: {"name": "DMS integration"},
        done=(200,),
        shows=lambda p: "/settings/api-tokens/",
    ),
    "portal:page": Form(
        url=lambda p: p.shared.url, data=_portal, anonymous=True, read_with_default=LANG
    ),
    "portal:total": Form(
        url=lambda p: p.shared.url + "/total",
        data=lambda p: {
            "version": version_current(repair_order=p.shared.ro).pk,
            f"op-{p.shared.brakes.pk}": "approved",
        },
        done=(200,),
        anonymous=True,
        read_with_default=LANG,
    ),
}
# POST views that take no fields (their ids are in the path, checked in test_input_limits),
# and pages that only show.
NO_FIELDS = {
    "web:logout",
    "web:operation_remove",
    "web:reason_retire",
    "web:reason_reactivate",
    "web:link_url",
    "web:link_revoke",
    "web:message_fallback",
    "web:contact_make_primary",
    "web:api_token_revoke",
    "web:branding_logo_remove",
}
PAGES = {
    "web:ro_list",
    "web:ro_list_alias",
    "web:ro_detail",
    "web:ro_part",
    "web:ro_changes",
    "web:today",
    "web:today_badge",
    "web:history",
    "web:ro_verify",
    "web:in_person_done",
    "web:not_to_exceed_start",  # its form asks the counter screen (a GET) for the amount
    "web:signature_png",
    "web:certificate",
    "web:estimate_preview",
    "web:version_pdf",
    "web:share_pdf",
    "web:customer_list",
    "web:customer_detail",
    "portal:done",
    "portal:estimate_pdf",
    "portal:signed_copy",
}


@pytest.fixture
def place(shop, alice, no_delivery, settings) -> Place:
    settings.PORTAL_RATE_LIMIT = 10_000
    settings.LOGIN_RATE_LIMIT = 10_000
    settings.KIOSK_UNLOCK_LIMIT = 10_000
    staff = client_for(alice)
    staff.raise_request_exception = False  # a 500 is reported with the field, not raised
    return Place(
        world=build_world(shop=shop, owner=alice),
        alice=alice,
        shared=shared_estimate(shop=shop),
        staff=staff,
    )


def _form_views() -> set[str]:
    names = {name for _route, name in url_patterns(get_resolver().url_patterns)}
    return {name for name in names if name.startswith(("web:", "portal:"))}


def test_every_staff_and_customer_view_is_either_a_form_here_or_takes_no_fields():
    unknown = sorted(_form_views() - set(FORMS) - NO_FIELDS - PAGES)
    assert not unknown, "Give these views a valid base form in FORMS (or list them): " + ", ".join(
        unknown
    )


def _payloads(value: Any) -> dict[str, str]:
    return FORM_NUMBERS if NUMBER.fullmatch(str(value)) else STRINGS


def _check(
    problems: Problems,
    where: str,
    *,
    form: Form,
    place: Place,
    client: Client,
    response,
    before: dict,
    name: str,
    payload: str,
) -> None:
    status = response.status_code
    if status >= 500:
        problems.add(where, f"{status}")
        return
    if "text/html" in response.get("Content-Type", "") and markup_left_raw(
        response.content.decode(errors="replace"), payload
    ):
        problems.add(where, "the answer shows the markup unescaped")
    after = rows()
    if after == before:
        return
    if status not in form.done:
        problems.add(where, f"refused ({status}), but data changed")
        return
    if name in form.read_with_default or payload not in STRINGS.values():
        return
    stored = {payload.upper(), payload} if name == "license_plate" else {payload}
    if not stored & newly_stored(before, after):
        problems.add(where, f"{status}: saved, but not as sent")
        return
    if name in form.not_on_the_page:
        return
    page_url = form.shows(place) if form.shows else response.get("Location")
    if not page_url:
        problems.add(where, "saved, but no page to show it on is known")
        return
    page = client.get(page_url).content.decode()
    if not any(shown_literally(page, text) for text in stored):
        problems.add(where, f"saved, but {page_url} does not show it as sent")
    elif markup_left_raw(page, payload):
        problems.add(where, f"{page_url} shows the markup unescaped")


@pytest.mark.parametrize("view", sorted(FORMS))
def test_hostile_values_in_every_field_of_a_form(place, view):
    form = FORMS[view]
    client = Client(raise_request_exception=False) if form.anonymous else place.staff
    url, base = form.url(place), form.data(place)
    with rolled_back():
        control = client.post(url, base)
        assert control.status_code in form.done, (
            f"the valid form was refused ({control.status_code}): "
            f"{control.content.decode(errors='replace')[:600]}"
        )
    problems = Problems()
    before = rows()
    for name, value in base.items():
        for label, payload in _payloads(value).items():
            with rolled_back():
                response = client.post(url, {**base, name: payload})
                _check(
                    problems,
                    f"{name} = {label}",
                    form=form,
                    place=place,
                    client=client,
                    response=response,
                    before=before,
                    name=name,
                    payload=payload,
                )
    assert not problems, problems.report(view)


@pytest.mark.parametrize("view", sorted(FORMS))
def test_invalid_utf8_in_a_form_is_never_a_server_error(place, view):
    form = FORMS[view]
    client = Client(raise_request_exception=False) if form.anonymous else place.staff
    url, base = form.url(place), form.data(place)
    problems = Problems()
    for name in base:
        body = urlencode({**base, name: INVALID_UTF8}).encode()
        with rolled_back():
            response = client.post(url, body, content_type="application/x-www-form-urlencoded")
            if response.status_code >= 500:
                problems.add(name, f"{response.status_code}")
    assert not problems, problems.report(view)


@pytest.mark.parametrize(
    "path", ["/", "/customers/", "/ros/new/", "/settings/reasons/", "/dev/outbox/"]
)
def test_hostile_query_values_on_the_staff_lists_are_never_a_server_error(place, path, settings):
    settings.DEV_OUTBOX = True
    problems = Problems()
    for name in ("q", "page", "customer", "status", "lang"):
        for label, payload in {**STRINGS, **FORM_NUMBERS}.items():
            response = place.staff.get(path, {name: payload})
            if response.status_code >= 500:
                problems.add(f"{name} = {label}", f"{response.status_code}")
            elif markup_left_raw(response.content.decode(errors="replace"), payload):
                problems.add(f"{name} = {label}", "markup shown unescaped")
    assert not problems, problems.report(path)


@pytest.mark.parametrize("label", sorted(STRINGS))
def test_a_hostile_token_in_a_customer_page_url_is_a_page_not_a_server_error(db, label, settings):
    settings.PORTAL_RATE_LIMIT = 10_000
    client = Client(raise_request_exception=False)
    token = quote(STRINGS[label], safe="")
    for response in (
        client.get(f"/s/{token}"),
        client.post(f"/s/{token}", {"version": "1"}),
        client.post(f"/s/{token}/total", {"version": "1"}),
        client.get(f"/s/{token}/done"),
    ):
        assert response.status_code in (404, 405), response.status_code
        assert not markup_left_raw(response.content.decode(), STRINGS[label])
