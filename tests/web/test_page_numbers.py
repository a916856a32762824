"""?page= on the staff lists: only ASCII digits are a page number, and none can push the
bounded count past a database integer or make the page shown differ from the one counted."""

import pytest

from signoff.orders.selectors import ro_number_in
from signoff.web.views.base import MAX_PAGE, page_asked


@pytest.mark.parametrize(
    ("raw", "page"),
    [
        (None, 1),
        ("", 1),
        ("3", 3),
        ("0", 1),
        ("000", 1),
        (" 50", 1),
        ("1_000", 1),
        ("٣", 1),
        ("²", 1),
        ("-2", 1),
        ("9" * 30, MAX_PAGE),
        (str(MAX_PAGE + 5), MAX_PAGE),
    ],
)
def test_a_page_number_is_ascii_digits_within_bounds(raw, page):
    assert page_asked(raw) == page


@pytest.mark.parametrize("query", ["²", "RO ²", "#٣٤", "1_000"])
def test_digits_that_are_not_ascii_are_no_ro_number(query):
    assert ro_number_in(query) is None


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["²", "٣", " 2", "9" * 40])
def test_the_ro_list_answers_any_page_number(alice_client, page):
    response = alice_client.get("/ros/", {"page": page})
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_search_for_a_superscript_digit_finds_nothing_and_does_not_fail(alice_client):
    response = alice_client.get("/ros/", {"q": "RO ²"})
    assert response.status_code == 200
