"""The total guard in every language: the customer page and the counter screen post back the
total they showed, in a form the server reads whatever the language (never "1.234,56"), and a
total that differs from the real one is refused."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client

from signoff.approvals.models import Decision, Signature
from signoff.approvals.services import version_refresh_for_change
from signoff.orders.models import OperationLine
from tests.portal.builders import shared_estimate, signature_fields
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]


class _FormValues(HTMLParser):
    """The values a browser would post back: hidden inputs, radio names, the selected option."""

    def __init__(self):
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.radios: set[str] = set()
        self.selected: dict[str, str] = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden":
            self.hidden[attrs["name"]] = attrs.get("value", "")
        elif tag == "input" and attrs.get("type") == "radio":
            self.radios.add(attrs["name"])
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            self.selected[self._select] = attrs["value"]


def _values(html: str) -> _FormValues:
    parser = _FormValues()
    parser.feed(html)
    return parser


@pytest.fixture
def large(shop, owner, settings):
    """A shared RO whose total runs past a thousand, with thousands separators switched on: a
    localized total would read "1.234,56" in Spanish and "1,234.56" in English."""
    settings.USE_THOUSAND_SEPARATOR = True
    # Whoever approves the recommendation (answerable at the counter) signs for it too, so the
    # signatures add up to the total shown.
    shop.capture_recommendation_approver = True
    shop.save()
    shared = shared_estimate(shop=shop)
    OperationLine.objects.filter(operation=shared.brakes, kind="part").update(
        unit_price=Decimal("1234.56")
    )
    # Written behind the services' back, so announced as they would: the customer page shows
    # the version frozen on a change.
    version_refresh_for_change(repair_order=shared.ro, actor=owner)
    return shared


def _screen(kind: str, shared, alice) -> tuple[Client, str]:
    if kind == "customer page":
        return Client(), shared.url
    return client_for(alice), f"/ros/{shared.ro.pk}/in-person/"


def _answer_as_shown(client: Client, url: str, language: str) -> dict:
    """Open the screen in `language`, approve everything the way a browser does (the live total
    swaps in the total for those answers), and return the form as it would be posted."""
    page = _values(client.get(url, {"lang": language}).content.decode())
    answers = {name: "approved" for name in page.radios}
    total_url = url.rstrip("/") + "/total"
    partial = client.post(total_url, {**page.hidden, **answers})
    assert partial.status_code == 200
    shown = _values(partial.content.decode()).hidden["shown_total"]
    return {
        **page.hidden,
        **answers,
        "shown_total": shown,
        "contact": page.selected["contact"],
        "consent": "yes",
        **signature_fields(),
    }


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["customer page", "counter screen"])
def test_the_total_guard_refuses_a_total_that_differs_in_every_language(
    kind, language, large, alice
):
    client, url = _screen(kind, large, alice)
    form = _answer_as_shown(client, url, language)
    assert form["lang"] == language
    assert Decimal(form["shown_total"]) > 1000
    wrong = {**form, "shown_total": str(Decimal(form["shown_total"]) + Decimal("0.01"))}
    response = client.post(url, wrong)
    assert response.status_code == 422
    assert not Decision.objects.exists() and not Signature.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["customer page", "counter screen"])
def test_the_total_the_screen_showed_is_accepted_in_every_language(kind, language, large, alice):
    client, url = _screen(kind, large, alice)
    form = _answer_as_shown(client, url, language)
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    signed = sum(signature.amount for signature in Signature.objects.all())
    assert signed == Decimal(form["shown_total"])
    assert Decision.objects.filter(status="approved").count() == len(
        [name for name in form if name.startswith("op-")]
    )
