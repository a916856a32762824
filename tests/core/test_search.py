"""core.search: text found inside columns through an index, kept in step with the table."""

import pytest
from django.db import connection
from django.db.models import Q

from signoff.core.search import SQLITE_TRIGGERS, among, any_of, search_table, text_matches
from signoff.customers.models import Contact, Customer
from tests.factories import ContactFactory, CustomerFactory
from tests.support.plans import sqlite_only

# Every table migrations give a TextSearchIndex, with the columns it covers.
SEARCHED = {Customer: ["name"], Contact: ["name", "email", "mobile", "phone"]}


def _found(model, fields, text) -> set[int]:
    return set(text_matches(model.objects.all(), fields, text).values_list("pk", flat=True))


def test_text_is_found_anywhere_in_a_column_whatever_the_case(shop):
    ada = CustomerFactory(shop=shop, name="Ada Lovelace")
    CustomerFactory(shop=shop, name="Grace Hopper")
    for text in ("ada", "LOVE", "a lovel", "Lovelace"):
        assert _found(Customer, ["name"], text) == {ada.pk}, text


def test_short_text_is_still_found(shop):
    ada = CustomerFactory(shop=shop, name="Ada Lovelace")
    CustomerFactory(shop=shop, name="Grace Hopper")
    assert _found(Customer, ["name"], "lo") == {ada.pk}
    assert _found(Customer, ["name"], "v") == {ada.pk}


def test_only_the_columns_asked_for_are_searched(shop):
    contact = ContactFactory(customer=CustomerFactory(shop=shop), name="Sam", email="x@lovelace.io")
    assert _found(Contact, ["email"], "lovelace") == {contact.pk}
    assert _found(Contact, ["name"], "lovelace") == set()


def test_the_index_follows_edits_and_deletions(shop):
    customer = CustomerFactory(shop=shop, name="Ada Lovelace")
    customer.name = "Ada King"
    customer.save()
    assert _found(Customer, ["name"], "lovelace") == set()
    assert _found(Customer, ["name"], "king") == {customer.pk}
    contact = ContactFactory(customer=customer, email="ada@analytical.example")
    contact.delete()
    assert _found(Contact, ["email"], "analytical") == set()
    assert _found(Customer, ["name"], "king") == {customer.pk}


def test_an_edit_of_other_columns_keeps_the_row_findable(shop):
    customer = CustomerFactory(shop=shop, name="Ada Lovelace")
    Customer.objects.filter(pk=customer.pk).update(notes="Prefers mornings")
    assert _found(Customer, ["name"], "lovelace") == {customer.pk}


def test_any_of_finds_each_row_meeting_any_condition_once(shop):
    ada = CustomerFactory(shop=shop, name="Ada Lovelace")
    grace = CustomerFactory(shop=shop, name="Grace Hopper")
    CustomerFactory(shop=shop, name="Alan Turing")
    ContactFactory(customer=ada, name="Ada")
    ContactFactory(customer=ada, name="Ada's spouse")  # two contacts, one customer
    ContactFactory(customer=grace, name="Grace")
    contacts = Contact.objects.filter(name__startswith="Ada").values("customer_id")
    conditions = [among("id", contacts), Q(name="Grace Hopper"), Q(name="Ada Lovelace")]
    found = list(
        any_of(Customer.objects.filter(shop=shop), conditions).values_list("pk", flat=True)
    )
    assert sorted(found) == sorted([ada.pk, grace.pk])


def test_among_no_ids_is_no_row(shop):
    CustomerFactory(shop=shop, name="Ada Lovelace")
    nobody = Contact.objects.filter(name="Nobody").values("customer_id")
    assert not any_of(Customer.objects.all(), [among("id", nobody)]).exists()


@sqlite_only
@pytest.mark.parametrize("model", SEARCHED, ids=lambda m: m.__name__)
def test_every_searched_table_has_its_sqlite_triggers(db, model):
    """A migration that rebuilds a searched table on SQLite drops these: it must apply the
    table's TextSearchIndex again."""
    table = search_table(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {row[0] for row in cursor.fetchall()}
        cursor.execute(f'SELECT * FROM "{table}" LIMIT 0')
        columns = [c[0] for c in cursor.description]
    assert {f"{table}_{event}" for event in SQLITE_TRIGGERS} <= triggers
    assert columns == [model._meta.get_field(f).column for f in SEARCHED[model]]


@pytest.mark.postgres_only
@pytest.mark.parametrize("model", SEARCHED, ids=lambda m: m.__name__)
def test_every_searched_table_has_its_trigram_index(db, model):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [model._meta.db_table, "%gin_trgm_ops%"],
        )
        [(definition,)] = cursor.fetchall()
    for field in SEARCHED[model]:
        assert f"{model._meta.get_field(field).column} gin_trgm_ops" in definition
