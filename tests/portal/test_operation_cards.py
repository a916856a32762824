"""The customer page's operation cards and its "where things stand" card are memoized: a new
decision, a new language or a refused answer always shows, and the same estimate renders each
card once."""

import pytest

from signoff.approvals.chain import decision_append
from signoff.portal.templatetags.portal_tags import OPERATION_CARDS, STANDING_CARDS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_memo():
    OPERATION_CARDS.clear(), STANDING_CARDS.clear()
    yield
    OPERATION_CARDS.clear(), STANDING_CARDS.clear()


def _card(html: str, op_id: int) -> str:
    start = html.rindex("<article", 0, html.index(f'id="op-{op_id}"'))
    return html[start : html.index("</article>", start)]


def test_a_decision_made_after_the_page_was_seen_shows_on_the_next_view(client, shared, alice):
    first = client.get(shared.url).content.decode()
    assert 'value="approved"' in _card(first, shared.brakes.pk)
    decision_append(
        operation=shared.brakes, status="declined", source="on_behalf", recorded_by=alice
    )
    again = client.get(shared.url).content.decode()
    card = _card(again, shared.brakes.pk)
    assert "Declined" in card and 'value="approved"' not in card


def test_the_same_estimate_renders_each_card_once(client, shared):
    client.get(shared.url)
    cards = len(OPERATION_CARDS)
    assert cards >= 3
    client.get(shared.url)
    assert len(OPERATION_CARDS) == cards


def test_english_cards_are_not_shown_on_the_spanish_page(client, shared):
    client.get(shared.url)
    shared.primary.language = "es"
    shared.primary.save()
    spanish = client.get(shared.url).content.decode()
    card = _card(spanish, shared.brakes.pk)
    assert "Aprobar" in card and "Approve" not in card


def test_a_refused_answer_marks_only_its_card_and_the_next_view_is_clean(client, shared):
    client.get(shared.url)
    page = client.get(shared.url).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    version = page.split('name="version" value="')[1].split('"')[0]
    refused = client.post(
        shared.url,
        {"csrfmiddlewaretoken": token, "version": version, f"op-{shared.brakes.pk}": "maybe"},
    )
    assert refused.status_code == 422
    assert "op-invalid" in _card(refused.content.decode(), shared.brakes.pk)
    clean = client.get(shared.url).content.decode()
    assert "op-invalid" not in clean


def test_an_answer_that_is_no_answer_is_not_echoed_into_the_page_or_the_memo(client, shared):
    page = client.get(shared.url).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    version = page.split('name="version" value="')[1].split('"')[0]
    cards = len(OPERATION_CARDS)
    for junk in ("x" * 50_000, "y" * 50_000):
        refused = client.post(
            shared.url,
            {"csrfmiddlewaretoken": token, "version": version, f"op-{shared.brakes.pk}": junk},
        )
        assert refused.status_code == 422
        assert junk not in refused.content.decode()
    # One card more at most (the brakes card marked with the error), whatever was posted.
    assert len(OPERATION_CARDS) <= cards + 1


def _standing(html: str) -> str:
    start = html.index('<section class="card standing"')
    return html[start : html.index("</section>", start)]


def test_where_things_stand_follows_each_decision_and_each_language(client, shared, alice):
    decision_append(
        operation=shared.brakes, status="approved", source="on_behalf", recorded_by=alice
    )
    first = _standing(client.get(shared.url).content.decode())
    assert "Already approved" in first and "Declined" not in first
    client.get(shared.url)
    assert len(STANDING_CARDS) == 1  # the same answers: rendered once
    decision_append(
        operation=shared.wipers, status="declined", source="on_behalf", recorded_by=alice
    )
    second = _standing(client.get(shared.url).content.decode())
    assert "Already approved" in second and "Declined" in second
    shared.primary.language = "es"
    shared.primary.save()
    spanish = _standing(client.get(shared.url).content.decode())
    assert "Ya aprobado" in spanish and "Already approved" not in spanish
