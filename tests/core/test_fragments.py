"""FragmentMemo: a fragment renders once per distinct input, and never stands in for another."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from signoff.core import fragments
from signoff.core.fragments import FragmentMemo


@dataclass
class Card:
    title: str
    amount: Decimal
    lines: list[dict]


@pytest.fixture
def renders(monkeypatch):
    """Count the renders: the memo's template, from a string."""
    template = engines["django"].from_string(
        "{% load i18n %}<p>{{ card.title }} {{ card.amount }} {% trans 'Approve' %}</p>"
    )
    count = []

    class Counting:
        def render(self, context):
            count.append(1)
            return template.render(context)

    monkeypatch.setattr(fragments, "get_template", lambda name: Counting())
    return count


def test_the_same_input_renders_once(renders):
    memo = FragmentMemo("card.html")
    card = Card("Brakes", Decimal("10.00"), [{"kind": "labor", "quantity": "1.5"}])
    first = memo.render({"card": card})
    again = memo.render(
        {"card": Card("Brakes", Decimal("10.00"), [{"kind": "labor", "quantity": "1.5"}])}
    )
    assert first == again == "<p>Brakes 10.00 Approve</p>"
    assert len(renders) == 1


@pytest.mark.parametrize(
    "changed",
    [
        Card("Brakes!", Decimal("10.00"), []),
        Card("Brakes", Decimal("10.01"), []),
        Card("Brakes", Decimal("10.00"), [{"kind": "part"}]),
    ],
)
def test_any_change_of_input_is_a_new_render(renders, changed):
    memo = FragmentMemo("card.html")
    memo.render({"card": Card("Brakes", Decimal("10.00"), [])})
    html = memo.render({"card": changed})
    assert len(renders) == 2
    assert changed.title in html and str(changed.amount) in html


def test_the_language_is_part_of_the_key(renders):
    memo = FragmentMemo("card.html")
    card = Card("Frenos", Decimal("1"), [])
    with translation.override("en"):
        english = memo.render({"card": card})
    with translation.override("es"):
        spanish = memo.render({"card": card})
    assert "Approve" in english and "Aprobar" in spanish
    assert len(renders) == 2


def test_text_is_escaped_in_the_memo_as_in_the_page(renders):
    memo = FragmentMemo("card.html")
    html = memo.render({"card": Card("<script>x</script>", Decimal("1"), [])})
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "value",
    [object(), mark_safe("<b>trusted?</b>"), gettext_lazy("Approve"), {"nested": [object()]}],
    ids=["object", "safe string", "lazy string", "nested object"],
)
def test_a_context_that_is_not_plain_values_is_refused(renders, value):
    with pytest.raises(TypeError):
        FragmentMemo("card.html").render({"card": value})
    assert renders == []


def test_the_memo_is_bounded_and_drops_the_least_recently_used(renders):
    memo = FragmentMemo("card.html", size=2)
    a, b, c = (Card(t, Decimal("1"), []) for t in "abc")
    memo.render({"card": a}), memo.render({"card": b})
    memo.render({"card": a})  # a is now the most recent
    memo.render({"card": c})  # b goes
    assert len(memo) == 2 and len(renders) == 3
    memo.render({"card": a})
    assert len(renders) == 3
    memo.render({"card": b})
    assert len(renders) == 4


def test_the_memo_is_bounded_in_size_too(renders):
    memo = FragmentMemo("card.html", max_bytes=10_000)
    for i in range(20):
        memo.render({"card": Card(f"{i}" + "x" * 1_000, Decimal("1"), [])})
    assert len(memo) <= 5  # each key and fragment hold a little over 2,000 characters
    assert memo._bytes <= 10_000
