"""The thank-you page says exactly what is decided and what is still waiting, as it is now."""

import pytest

from tests.portal.builders import shared_estimate, signature_fields, standing_in

pytestmark = pytest.mark.django_db


def _submit(client, shared, answers: dict, **extra) -> str:
    data = {
        "version": shared.version.pk,
        **{f"op-{op.pk}": status for op, status in answers.items()},
        "consent": "yes",
        **signature_fields(),
        **extra,
    }
    response = client.post(shared.url, data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_a_partial_answer_says_what_is_still_waiting_and_offers_the_rest(client, shared):
    html = _submit(client, shared, {shared.brakes: "approved", shared.wipers: "declined"})
    assert "Thank you! Your answers were sent." in html
    assert 'data-left="1">1 item still needs your answer.</p>' in html
    assert f'href="{shared.url}">Answer the rest</a>' in html
    assert standing_in(html) == {
        "approved": [shared.brakes.pk],
        "declined": [shared.wipers.pk],
        "open": [shared.tires.pk],
        "ask_shop": [shared.cabin.pk],
    }
    assert "Waiting for your answer" not in html


def test_when_everything_is_answered_the_page_says_so(client, shared):
    html = _submit(
        client,
        shared,
        {shared.brakes: "approved", shared.tires: "declined", shared.wipers: "declined"},
    )
    assert 'data-left="0">Everything on this estimate is answered.</p>' in html
    assert "Answer the rest" not in html
    assert "open" not in standing_in(html)


def test_a_recommendation_the_shop_takes_only_by_phone_says_whom_to_call(client, shared):
    html = _submit(client, shared, {shared.brakes: "approved"})
    ask = html.split('data-standing="ask_shop"')[1].split("</div>")[0]
    assert f"To approve, call {shared.ro.shop.name}" in ask and "Cabin air filter" in ask


def test_the_page_offers_the_signed_copy_and_the_estimate(client, shared):
    html = _submit(client, shared, {shared.brakes: "approved"})
    assert f'href="{shared.url}/signed.pdf" download>Download your signed copy (PDF)</a>' in html
    assert f'href="{shared.url}/estimate.pdf" download>Download estimate (PDF)</a>' in html


def test_the_page_in_spanish(client, shop):
    shared = shared_estimate(shop=shop, language="es")
    html = _submit(client, shared, {shared.brakes: "approved"}, lang="es")
    assert "¡Gracias! Sus respuestas se enviaron." in html
    assert "2 trabajos todavía necesitan su respuesta." in html
    assert "Responder lo que falta" in html
    assert "Descargar su copia firmada (PDF)" in html
    assert "Descargar el presupuesto (PDF)" in html
    assert "Ya aprobado" in html and "Por decidir" in html
