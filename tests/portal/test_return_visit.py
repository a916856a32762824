"""A contact comes back after some items were decided: the page says what is already approved
(when and by whom), what is declined, what is still to decide and what this submission adds."""

import pytest

from signoff.approvals.chain import decision_append
from signoff.approvals.models import Source, Status
from signoff.documents.sections import PDF_SECTION_KEYS
from tests.portal.builders import shared_estimate, signature_fields, standing_in

pytestmark = pytest.mark.django_db


def _answer(client, shared, answers: dict, **extra):
    data = {
        "version": shared.version.pk,
        **{f"op-{op.pk}": status for op, status in answers.items()},
        "consent": "yes",
        **signature_fields(),
        **extra,
    }
    response = client.post(shared.url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def _heading(html: str) -> str:
    start = html.index('id="estimate-heading"')
    return html[html.index(">", start) + 1 : html.index("</h2>", start)]


def test_a_first_visit_shows_no_standing_and_asks_for_the_work(client, shared):
    html = client.get(shared.url).content.decode()
    assert standing_in(html) == {}
    assert _heading(html) == "Work to approve"
    assert "You are approving" in html


def test_a_return_visit_shows_what_is_approved_declined_and_still_to_decide(client, shared):
    _answer(client, shared, {shared.brakes: "approved", shared.wipers: "declined"})
    html = client.get(shared.url).content.decode()
    assert standing_in(html) == {
        "approved": [shared.brakes.pk],
        "declined": [shared.wipers.pk],
        "open": [shared.tires.pk],
        "ask_shop": [shared.cabin.pk],
    }
    assert _heading(html) == "1 item still needs your answer"
    approved = html.split('data-standing="approved"')[1].split("</div>")[0]
    assert "Already approved" in approved
    assert "$340.98" in approved  # brakes 314.99 with 8.25 % tax, priced like the total
    assert "By Jordan Lee · <time" in approved
    still = html.split('data-standing="open"')[1].split("</div>")[0]
    assert "Still to decide" in still and "$259.79" in still  # tires 239.99 with tax


def test_what_this_submission_adds_is_named_once_something_is_approved(client, shared):
    _answer(client, shared, {shared.brakes: "approved"})
    html = client.get(shared.url).content.decode()
    total = html.split('id="approval-total"')[1].split("</section>")[0]
    assert "This submission adds" in total and "You are approving" not in total
    assert "$0.00" in total  # nothing chosen yet on this visit


def test_the_live_total_names_what_this_submission_adds(client, shared):
    _answer(client, shared, {shared.brakes: "approved"})
    response = client.post(
        f"{shared.url}/total", {"version": shared.version.pk, f"op-{shared.tires.pk}": "approved"}
    )
    html = response.content.decode()
    assert "This submission adds" in html and "$259.79" in html


def test_a_decision_the_shop_recorded_says_so(client, shared, alice):
    decision_append(
        operation=shared.tires, status=Status.DEFERRED, source=Source.ON_BEHALF, recorded_by=alice
    )
    html = client.get(shared.url).content.decode()
    deferred = html.split('data-standing="deferred"')[1].split("</div>")[0]
    assert "Deferred" in deferred
    assert f"Recorded by {shared.ro.shop.name} for you · <time" in deferred
    assert _heading(html) == "2 items still need your answer"


def test_once_everything_is_answered_the_heading_says_so(client, shared):
    _answer(
        client,
        shared,
        {shared.brakes: "approved", shared.tires: "declined", shared.wipers: "declined"},
    )
    html = client.get(shared.url).content.decode()
    assert _heading(html) == "Everything is answered"
    assert "Nothing is waiting for your answer. Thank you!" in html
    assert "open" not in standing_in(html)


def test_without_the_prices_section_the_standing_shows_no_amounts(client, shop):
    shared = shared_estimate(shop=shop, sections=[k for k in PDF_SECTION_KEYS if k != "prices"])
    _answer(client, shared, {shared.brakes: "approved"})
    html = client.get(shared.url).content.decode()
    standing = html.split('id="standing-heading"')[1].split("</section>")[0]
    assert "Front brake pads" in standing and "$" not in standing


def test_a_return_visit_in_spanish(client, shop):
    shared = shared_estimate(shop=shop, language="es")
    _answer(client, shared, {shared.brakes: "approved", shared.wipers: "declined"}, lang="es")
    html = client.get(shared.url).content.decode()
    assert "Estado de los trabajos" in html
    assert "Ya aprobado" in html and "Rechazado" in html and "Por decidir" in html
    assert "Por Jordan Lee" in html
    assert _heading(html) == "1 trabajo todavía necesita su respuesta"
    assert "Este envío suma" in html
