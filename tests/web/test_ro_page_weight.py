"""The RO page's weight: URLs reversed once per page, rows in one loop, no indentation sent."""

import pytest
from django.template import engines
from django.urls import resolvers, reverse

from signoff.web.links import Route
from signoff.web.loaders import trim
from tests.factories import ContactFactory, RepairOrderFactory, priced_operation


@pytest.fixture
def reverse_calls(monkeypatch):
    calls = []
    original = resolvers.URLResolver._reverse_with_prefix

    def counting(self, *args, **kwargs):
        calls.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(resolvers.URLResolver, "_reverse_with_prefix", counting)
    return calls


def _ro_with(shop, n: int):
    ro = RepairOrderFactory(shop=shop)
    ContactFactory(customer=ro.customer, is_primary=True)
    for i in range(n):
        priced_operation(repair_order=ro, title=f"Job {i}")
    return ro


def test_the_ro_page_reverses_as_many_urls_for_40_operations_as_for_2(
    alice_client, shop, reverse_calls
):
    few, many = _ro_with(shop, 2), _ro_with(shop, 40)
    alice_client.get(f"/ros/{few.pk}/")
    reverse_calls.clear()
    assert alice_client.get(f"/ros/{few.pk}/").status_code == 200
    for_few = len(reverse_calls)
    reverse_calls.clear()
    body = alice_client.get(f"/ros/{many.pk}/").content.decode()
    assert len(reverse_calls) == for_few
    assert body.count('href="/operations/') == 40 * 3  # history, edit and remove of each row


def test_a_route_reversed_once_gives_each_rows_url(db):
    edit = Route("web:operation_edit")
    for pk in (1, 42, 918273645, 10**12):
        assert edit(pk) == reverse("web:operation_edit", args=[pk])


def test_staff_templates_are_read_without_their_indentation():
    source = (
        "<ul>\n    {% for x in xs %}\n    <li>{{ x }}</li>\n    {% endfor %}\n</ul>\n"
        "  <p>a\n     b</p>\n  <textarea>{{ notes }}</textarea>"
    )
    trimmed = trim(source)
    assert trimmed == (
        "<ul>\n{% for x in xs %}<li>{{ x }}</li>\n{% endfor %}</ul>\n<p>a\nb</p>\n"
        "<textarea>{{ notes }}</textarea>"
    )
    rendered = engines["django"].from_string(trimmed).render({"xs": [1, 2], "notes": "  a\n  b"})
    assert (
        rendered
        == "<ul>\n<li>1</li>\n<li>2</li>\n</ul>\n<p>a\nb</p>\n<textarea>  a\n  b</textarea>"
    )


def test_the_ro_page_is_sent_without_indentation(alice_client, shop):
    ro = _ro_with(shop, 3)
    body = alice_client.get(f"/ros/{ro.pk}/").content.decode()
    assert "\n  " not in body


def test_rows_carry_no_csrf_token_and_their_moves_submit_the_one_move_form(alice_client, shop):
    ro = _ro_with(shop, 3)
    body = alice_client.get(f"/ros/{ro.pk}/").content.decode()
    rows = body[body.index('<tr id="op-') : body.index('id="op-form-slot"')]
    assert "csrfmiddlewaretoken" not in rows
    assert rows.count('form="op-move"') == 6  # up and down on each of the three rows
    move_form = body[body.index('<form id="op-move"') :]
    move_form = move_form[: move_form.index("</form>")]
    assert 'method="post"' in move_form and 'name="csrfmiddlewaretoken"' in move_form


def test_a_memoized_row_shows_a_new_decision_and_a_new_title(alice_client, shop, alice):
    from signoff.approvals.chain import decision_append

    ro = _ro_with(shop, 2)
    op = ro.operations.order_by("position", "id").first()
    alice_client.get(f"/ros/{ro.pk}/")
    decision_append(operation=op, status="deferred", source="on_behalf", recorded_by=alice)
    op.title = "Rotors <resurfaced>"
    op.save()
    body = alice_client.get(f"/ros/{ro.pk}/").content.decode()
    row = body[body.index(f'<tr id="op-{op.pk}"') :]
    row = row[: row.index("</tr>\n")]
    assert f'id="status-op-{op.pk}" data-status="deferred"' in row
    assert "Rotors &lt;resurfaced&gt;" in row and "Job 0" not in row
