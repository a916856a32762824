"""The permission walk: every staff page and API route, found by introspection, called by an
outsider (404), a technician (no writes), nobody (log in / 401) and, as a control, the owner.

Routes are read from the project's URL resolver and the API's OpenAPI schema, so a route added
later is walked without anyone editing this file. How parameters are filled, and the lists of
deliberate exceptions (public pages, read-only pages, a technician's own writes), are in
`tests/support/walk.py`; a parameter it cannot fill fails the first test below.
"""

import re

from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import get_resolver

from tests.support.clients import api_client_for, client_for
from tests.support.walk import (
    ANONYMOUS_404_NAMESPACES,
    API_WRITE_METHODS,
    PUBLIC_PAGES,
    READ_ONLY_PAGES,
    TECHNICIAN_MAY_POST,
    call_api,
    openapi,
    outsider_page_problems,
    report,
    snapshot,
    staff_api_routes,
    staff_pages,
    unknown_params,
    url_patterns,
)


def test_every_route_parameter_is_known(db):
    problems = unknown_params()
    assert not problems, report(
        "Routes with a parameter the permission walk cannot fill. Add it to OBJECT_PARAMS "
        "(and build that object in build_world), RESOURCE_OF_ID or PLAIN_VALUES",
        problems,
    )


def test_the_walk_sees_the_pages_and_routes_of_every_app(db):
    names = {page.name for page in staff_pages()}
    assert {"web:ro_detail", "dev:outbox_detail"} <= names
    assert any(name.startswith("web:") for name in names)
    assert any(name.startswith("web:") for name in names)
    paths = {route.path for route in staff_api_routes()}
    assert {"/api/v1/repair-orders/{ro_id}", "/api/v1/operations/{operation_id}"} <= paths


def test_every_api_route_is_in_the_schema_the_walk_reads(db):
    in_schema = {re.sub(r"\{[^}]+\}", "{}", p) for p in openapi()["paths"]}
    hidden = []
    for route, name in url_patterns(get_resolver().url_patterns):
        if not route.startswith("api/v1/") or name in ("api:openapi-json", "api:openapi-view"):
            continue
        path = "/" + re.sub(r"<[^>]+>", "{}", route)
        if path != "/api/v1/" and path not in in_schema:
            hidden.append(f"{name} {path}")
    assert not hidden, report("API routes left out of the schema are not walked", hidden)


def test_staff_api_routes_all_require_a_token(db):
    open_routes = [str(r) for r in staff_api_routes() if not r.operation.get("security")]
    assert not open_routes, report(
        "API routes without a token that are not portal routes", open_routes
    )


def test_outsiders_get_404_from_every_staff_page_about_another_shops_objects(world, charlie):
    problems = outsider_page_problems(client_for(charlie), world)
    assert not problems, report("Another shop's objects must be 404 (never 403 or 200)", problems)


def test_outsiders_get_404_from_every_staff_api_route_about_another_shops_objects(
    world, charlie, other_shop
):
    client = api_client_for(charlie, other_shop)
    problems = []
    for route in staff_api_routes():
        if not route.params:
            continue
        before = snapshot()
        response = call_api(client, route, world)
        if response.status_code != 404:
            problems.append(f"{route} → {response.status_code} {response.content[:160]!r}")
        elif snapshot() != before:
            problems.append(f"{route} → changed data")
    assert not problems, report("Another shop's objects must be 404 in the API", problems)


def test_technicians_cannot_write_through_any_staff_page(world, bob):
    client = client_for(bob)
    problems = []
    for page in staff_pages():
        if page.name in TECHNICIAN_MAY_POST:
            continue
        before = snapshot()
        status = client.post(world.page_url(page), {}).status_code
        refused = (403, 405, 200) if page.name in READ_ONLY_PAGES else (403, 405)
        if status not in refused:
            problems.append(f"{page} → POST {status}")
        elif snapshot() != before:
            problems.append(f"{page} → changed data")
    assert not problems, report("A technician's POST must be refused (403 or 405)", problems)


def test_technicians_cannot_write_through_any_api_route(world, bob, shop):
    client = api_client_for(bob, shop)
    problems = []
    for route in staff_api_routes():
        if route.method not in API_WRITE_METHODS:
            continue
        before = snapshot()
        response = call_api(client, route, world)
        if response.status_code != 403:
            problems.append(f"{route} → {response.status_code} {response.content[:160]!r}")
        elif snapshot() != before:
            problems.append(f"{route} → changed data")
    assert not problems, report("A technician's API write must be 403", problems)


def test_anonymous_visitors_are_sent_to_log_in_from_every_staff_page(world):
    client = Client()
    login = resolve_url(settings.LOGIN_URL)
    problems = []
    for page in staff_pages():
        if page.name in PUBLIC_PAGES:
            continue
        url = world.page_url(page)
        responses = [client.get(url), client.post(url, {})]
        to_login = [
            r.status_code == 302 and r["Location"].split("?")[0] == login for r in responses
        ]
        allowed = (404,) if page.name.startswith(ANONYMOUS_404_NAMESPACES) else ()
        ok = all(
            sent or r.status_code == 405 or r.status_code in allowed
            for sent, r in zip(to_login, responses, strict=True)
        )
        if not ok or not (any(to_login) or allowed):
            problems.append(
                f"{page} → GET {responses[0].status_code}, POST {responses[1].status_code}"
            )
    assert not problems, report("Staff pages must send anonymous visitors to log in", problems)


def test_api_calls_without_a_token_are_401_on_every_staff_route(world):
    client = Client()
    problems = []
    for route in staff_api_routes():
        response = call_api(client, route, world)
        if response.status_code != 401:
            problems.append(f"{route} → {response.status_code}")
    assert not problems, report("Staff API routes must answer 401 without a token", problems)


def test_the_owner_can_open_every_page_the_walk_checks(world, alice):
    """The control: the outsiders' 404s come from shop scoping, not from a wrongly filled URL.

    Each page in a session of its own: the counter screen holds its session for the customer
    (web.kiosk), and the pages after it would be the unlock form."""
    problems = []
    for page in staff_pages():
        if not page.params:
            continue
        status = client_for(alice).get(world.page_url(page)).status_code
        if status not in (200, 302, 405):
            problems.append(f"{page} → GET {status}")
    assert not problems, report("The owner must reach every object page the walk fills", problems)


def test_the_owner_can_read_every_api_route_the_walk_checks(world, alice, shop):
    client = api_client_for(alice, shop)
    problems = []
    for route in staff_api_routes():
        if route.method != "get":
            continue
        response = call_api(client, route, world)
        if response.status_code != 200:
            problems.append(f"{route} → {response.status_code} {response.content[:160]!r}")
    assert not problems, report("The owner must read every API route the walk fills", problems)
