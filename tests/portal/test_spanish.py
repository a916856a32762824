"""The customer page speaks the contact's language (Contact.language): English or Spanish."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from signoff.approvals.models import Signature
from signoff.sharing.models import ShareLink
from tests.portal.builders import STROKES, shared_estimate, signature_fields
from tests.support.png import png_rgba

pytestmark = pytest.mark.django_db


@pytest.fixture
def spanish(shop):
    return shared_estimate(shop=shop, language="es")


def test_a_spanish_speaking_contact_gets_the_page_in_spanish(client, spanish):
    html = client.get(spanish.url).content.decode()
    assert '<html lang="es">' in html
    assert "Trabajo por aprobar" in html
    assert "Aprobar" in html and "Rechazar" in html
    assert "¿Quién aprueba?" in html
    assert "Firme aquí" in html
    assert "Acepto firmar electrónicamente" in html
    assert "Autorizo a " in html and "por un total de $0.00 con impuestos incluidos" in html
    assert "Llamar al (503) 555-0100" in html
    assert "Jordan Lee (Principal)" in html and "Sam Lee (Spouse)" in html


def test_the_contact_can_switch_the_page_to_english(client, spanish):
    html = client.get(spanish.url + "?lang=en").content.decode()
    assert '<html lang="en">' in html and "Work to approve" in html


def test_a_signature_given_in_spanish_stores_the_spanish_consent_text(client, spanish):
    response = client.post(
        spanish.url,
        {
            "version": spanish.version.pk,
            "lang": "es",
            f"op-{spanish.brakes.pk}": "approved",
            "consent": "yes",
            **signature_fields(),
        },
    )
    assert response.status_code == 302
    text = Signature.objects.get().consent_text
    assert text.startswith(f"Autorizo a {spanish.ro.shop.name} a realizar el trabajo")
    assert "por un total de $340.98 con impuestos incluidos" in text
    assert "una copia en papel" in text
    done = client.get(response["Location"]).content.decode()
    assert "¡Gracias! Sus respuestas se enviaron." in done


def test_refusals_are_explained_in_spanish(client, spanish):
    response = client.post(
        spanish.url, {"version": spanish.version.pk, f"op-{spanish.brakes.pk}": "approved"}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Sus respuestas todavía no se enviaron." in html
    assert "Firme en el recuadro con el dedo" in html
    assert "Marque la casilla para aceptar firmar electrónicamente." in html


def test_an_expired_link_is_explained_in_spanish(client, spanish):
    ShareLink.objects.filter(pk=spanish.link.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    response = client.get(spanish.url)
    assert response.status_code == 410
    assert "Este enlace venció" in response.content.decode()


def test_the_api_returns_the_spanish_consent_text_for_a_spanish_contact(client, spanish):
    response = client.post(
        f"/api/v1/portal/{spanish.token}/approval",
        {
            "version_id": spanish.version.pk,
            "decisions": [{"operation_id": spanish.brakes.pk, "status": "approved"}],
            "signature": {"png": base64.b64encode(png_rgba()).decode(), "strokes": STROKES},
            "consent": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["consent_text"].startswith("Autorizo a ")


def test_the_rate_limit_page_follows_an_explicit_language_only(client, spanish, settings):
    settings.PORTAL_RATE_LIMIT = 1
    client.get("/s/" + "q" * 43)
    refused = client.get("/s/" + "q" * 43 + "?lang=es").content.decode()
    assert "Espere antes de volver a intentarlo" in refused
    assert "Demasiados intentos desde su conexión." in refused
    # A real Spanish contact's token answers in English all the same: the language of a
    # refusal must not tell a guesser that a token exists.
    assert "Please wait before trying again" in client.get(spanish.url).content.decode()


def test_declining_only_stores_the_spanish_decline_statement(client, spanish):
    data = {
        "version": spanish.version.pk,
        f"op-{spanish.wipers.pk}": "declined",
        "consent": "yes",
        **signature_fields(),
    }
    assert client.post(spanish.url, data).status_code == 302
    assert Signature.objects.get().consent_text.startswith(
        "Rechazo el trabajo que marqué como rechazado arriba en la orden "
        f"{spanish.ro.label} y no autorizo a {spanish.ro.shop.name} a realizarlo: "
        "esta firma autoriza $0.00."
    )
