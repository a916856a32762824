"""The permission walk's machinery: staff routes found by introspection, one object of each kind
in the owner's shop to fill their parameters, request bodies drawn from the OpenAPI schema, and a
snapshot of every row to tell that a refused request changed nothing.

Path parameters are filled from `OBJECT_PARAMS` (parameter name → which object of the owner's
shop), `RESOURCE_OF_ID` (for `{id}` after a resource segment) and `PLAIN_VALUES` (non-object
parameters of one route). A parameter none of them knows is reported by `unknown_params()`.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import segno
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from signoff.api.urls import api
from signoff.approvals.chain import decision_append, signature_append
from signoff.approvals.models import ApprovalReason, Source, Status
from signoff.approvals.versions import version_freeze
from signoff.sharing.links import share_link_mint
from signoff.sharing.models import Message, OutboxCapture, Share, ShareKind
from signoff.shops.models import ApiToken, Membership
from tests.factories import api_token_for, priced_ro

# Parameter name → attribute of `World` (an object of the owner's shop).
OBJECT_PARAMS = {
    "shop_id": "shop",
    "customer_id": "customer",
    "contact_id": "contact",
    "vehicle_id": "vehicle",
    "ro_id": "ro",
    "repair_order_id": "ro",
    "operation_id": "operation",
    "decision_id": "decision",
    "version_id": "version",
    "share_id": "share",
    "link_id": "link",
    "message_id": "message",
    "signature_id": "signature",
    "reason_id": "reason",
    "token_id": "token",
    "membership_id": "membership",
}
# `{id}` / `<int:pk>` after one of these path segments.
RESOURCE_OF_ID = {
    "customers": "customer",
    "contacts": "contact",
    "vehicles": "vehicle",
    "repair-orders": "ro",
    "ros": "ro",
    "operations": "operation",
    "decisions": "decision",
    "versions": "version",
    "shares": "share",
    "share-links": "link",
    "links": "link",
    "messages": "message",
    "signatures": "signature",
    "approval-reasons": "reason",
    "reasons": "reason",
    "api-tokens": "token",
    "tokens": "token",
}
# Parameters that name no object, per route (URL name or API path).
PLAIN_VALUES = {
    ("web:share", "slug"): "request-approval",
    ("web:ro_part", "part"): "authorization",
    ("dev:outbox_attachment", "index"): 0,
}
# Not staff routes: the token in the path is the credential, nobody's shop is involved, or
# (brand/) a shop's public logo, named by its content's hash (tests/portal/test_brand.py).
EXCLUDED_PREFIXES = ("admin/", "s/", "hooks/", "static/", "api/", "healthz", "brand/")
EXCLUDED_API_PREFIXES = ("/api/v1/portal/",)
# Pages anyone may open.
PUBLIC_PAGES = {"web:login", "web:logout"}
# Read-only pages that answer a POST like a GET; a technician's POST there changes nothing, which
# the walk checks. Give a new read-only page `@require_GET` rather than adding it here.
READ_ONLY_PAGES = {
    "web:ro_list",
    "web:ro_list_alias",
    "web:ro_detail",
    "web:customer_list",
    "web:customer_detail",
    "web:history",
    "web:ro_verify",
    "web:in_person_total",
    "dev:outbox",
    "dev:outbox_detail",
    "dev:outbox_attachment",
}
# Writes a technician may make: their own session, API tokens and profile.
TECHNICIAN_MAY_POST = {
    "web:login",
    "web:logout",
    "web:kiosk_unlock",
    "web:switch_shop",
    "web:api_tokens",
    "web:api_token_revoke",
    "web:profile",  # their own email address and notices, nobody else's
}
# The dev outbox hides itself (404) from anyone not signed in, and whenever it is off.
ANONYMOUS_404_NAMESPACES = ("dev:",)
API_WRITE_METHODS = ("post", "put", "patch", "delete")


# --- Routes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str  # namespaced URL name, e.g. "web:ro_detail"
    route: str  # e.g. "ros/<int:ro_id>/"
    params: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.name} /{self.route}"


@dataclass(frozen=True)
class ApiRoute:
    method: str
    path: str  # e.g. "/api/v1/repair-orders/{ro_id}"
    operation: dict

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(re.findall(r"\{([^}]+)\}", self.path))

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


def url_patterns(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name or ''}"


def staff_pages() -> list[Page]:
    pages = []
    for route, name in url_patterns(get_resolver().url_patterns):
        if route.startswith(EXCLUDED_PREFIXES):
            continue
        params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
        pages.append(Page(name=name, route=route, params=params))
    return pages


@functools.cache
def openapi() -> dict:
    return api.get_openapi_schema()


def staff_api_routes() -> list[ApiRoute]:
    routes = []
    for path, operations in openapi()["paths"].items():
        if path.startswith(EXCLUDED_API_PREFIXES):
            continue
        for method, operation in operations.items():
            routes.append(ApiRoute(method=method, path=path, operation=operation))
    return routes


def _object_for(param: str, segments: list[str], key: tuple[str, str]) -> str | None:
    """Which kind of object (a `World` attribute) a parameter names, or None if it is plain."""
    if param in OBJECT_PARAMS:
        return OBJECT_PARAMS[param]
    if param in ("id", "pk"):
        index = next(
            i for i, s in enumerate(segments) if re.search(rf"[<{{](\w+:)?{param}[>}}]", s)
        )
        if index and segments[index - 1] in RESOURCE_OF_ID:
            return RESOURCE_OF_ID[segments[index - 1]]
    if key in PLAIN_VALUES:
        return None
    raise LookupError(param)


def unknown_params() -> list[str]:
    problems = []
    for page in staff_pages():
        for param in page.params:
            try:
                _object_for(param, page.route.split("/"), (page.name, param))
            except LookupError:
                problems.append(f"{page}: <{param}>")
    for route in staff_api_routes():
        for param in route.params:
            try:
                _object_for(param, route.path.split("/"), (route.path, param))
            except LookupError:
                problems.append(f"{route}: {{{param}}}")
    return problems


# --- The owner's shop, one object of each kind -------------------------------------------------


@dataclass
class World:
    shop: Any
    customer: Any
    contact: Any
    vehicle: Any
    ro: Any
    operation: Any
    decision: Any
    version: Any
    share: Any
    link: Any
    message: Any
    signature: Any
    reason: Any
    token: Any
    membership: Any

    def value(self, param: str, segments: list[str], key: tuple[str, str]) -> Any:
        kind = _object_for(param, segments, key)
        return PLAIN_VALUES[key] if kind is None else getattr(self, kind).pk

    def page_url(self, page: Page) -> str:
        segments = page.route.split("/")

        def fill(match: re.Match) -> str:
            return str(self.value(match.group(1), segments, (page.name, match.group(1))))

        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, page.route)

    def api_url(self, route: ApiRoute) -> str:
        segments = route.path.split("/")
        return re.sub(
            r"\{([^}]+)\}",
            lambda m: str(self.value(m.group(1), segments, (route.path, m.group(1)))),
            route.path,
        )


def _png() -> bytes:
    out = io.BytesIO()
    segno.make("walk").save(out, kind="png")
    return out.getvalue()


def _captured_email(message: Message) -> bytes:
    email = EmailMessage()
    email["Subject"], email["To"] = message.subject or "Estimate", message.to_address
    email.set_content("Review your estimate.")
    email.add_attachment(b"%PDF-1.4 walk", maintype="application", subtype="pdf", filename="e.pdf")
    return email.as_bytes()


def build_world(*, shop, owner) -> World:
    """Every kind of shop-owned object, linked the way the app links them."""
    built = priced_ro(shop, contacts=[{"is_primary": True, "notify": "email"}], operations=[{}])
    ro, (contact,), (operation,) = built.ro, built.contacts, built.operations
    reason = ApprovalReason.objects.filter(shop=shop).first()
    with transaction.atomic():
        version, _ = version_freeze(repair_order=ro, user=owner)
        decision = decision_append(
            operation=operation,
            status=Status.APPROVED,
            source=Source.ON_BEHALF,
            recorded_by=owner,
            reason=reason,
            contact=contact,
            version=version,
        )
        signature = signature_append(
            repair_order=ro,
            version=version,
            source=Source.IN_PERSON,
            contact=contact,
            contact_name=contact.name,
            recorded_by=owner,
            amount=version.total,
            svg="<svg xmlns='http://www.w3.org/2000/svg'/>",
            png=_png(),
            consent_text="I authorize this work.",
        )
    share = Share.objects.create(
        shop=shop, repair_order=ro, version=version, kind=ShareKind.REQUEST_APPROVAL
    )
    link, _token = share_link_mint(share=share, contact=contact)
    message = Message.objects.create(
        shop=shop,
        repair_order=ro,
        share=share,
        link=link,
        contact=contact,
        channel="email",
        to_address=contact.email,
        subject="Your estimate",
        status="sent",
    )
    OutboxCapture.objects.create(message=message, raw=_captured_email(message))
    api_token_for(user=owner, shop=shop, name="walk")
    return World(
        shop=shop,
        customer=ro.customer,
        contact=contact,
        vehicle=ro.vehicle,
        ro=ro,
        operation=operation,
        decision=decision,
        version=version,
        share=share,
        link=link,
        message=message,
        signature=signature,
        reason=reason,
        token=ApiToken.objects.get(user=owner, shop=shop, name="walk"),
        membership=Membership.objects.get(user=owner, shop=shop),
    )


def snapshot() -> dict:
    """Every row of Signoff's own tables, to tell that a refused request changed nothing."""
    skip = {("api", "idempotencyrecord")}
    state = {}
    for model in apps.get_models():
        if not model.__module__.startswith("signoff."):
            continue
        label = (model._meta.app_label, model._meta.model_name)
        if label in skip:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_used_at"]
        state[label] = list(model._default_manager.order_by("pk").values_list(*fields))
    return state


# --- Request bodies from the schema ------------------------------------------------------------


def _resolve(schema: dict, spec: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def example_value(schema: dict, spec: dict, world: World, name: str = "") -> Any:
    """A value the schema accepts: its example, default or enum, else a plain one of its type.

    Integer fields named like a route parameter get the id of that object in the owner's shop,
    so a body passes validation and the request reaches the permission check.
    """
    schema = _resolve(schema, spec)
    for options in ("anyOf", "oneOf", "allOf"):
        if options in schema:
            choices = [s for s in schema[options] if _resolve(s, spec).get("type") != "null"]
            return example_value(choices[0], spec, world, name)
    if schema.get("examples"):
        return schema["examples"][0]
    if "example" in schema:
        return schema["example"]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = schema.get("required", [])
        return {
            key: example_value(sub, spec, world, key)
            for key, sub in schema.get("properties", {}).items()
            if key in required
        }
    if kind == "array":
        return [example_value(schema.get("items", {}), spec, world, name)]
    if kind == "integer":
        for key in (name, f"{name}_id"):
            if key in OBJECT_PARAMS:
                return getattr(world, OBJECT_PARAMS[key]).pk
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date-time":
        return "2030-01-02T09:00:00Z"
    if schema.get("format") == "email":
        return "walk@example.com"
    return "Walk"


def api_body(route: ApiRoute, world: World) -> dict | None:
    content = route.operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    spec = openapi()
    return example_value(content["application/json"]["schema"], spec, world)


def call_api(client: Client, route: ApiRoute, world: World):
    url = world.api_url(route)
    if route.method == "get":
        return client.get(url)
    body = api_body(route, world)
    return getattr(client, route.method)(
        url, body if body is not None else {}, content_type="application/json"
    )


def outsider_page_problems(client: Client, world: World, headers: dict | None = None) -> list[str]:
    """Every staff page about one of the world's objects, asked for (GET and POST) by `client`
    of another shop: what answered other than 404 (or 405), or changed data."""
    headers = headers or {}
    problems = []
    for page in staff_pages():
        if not page.params:
            continue
        url = world.page_url(page)
        before = snapshot()
        statuses = [
            client.get(url, headers=headers).status_code,
            client.post(url, {}, headers=headers).status_code,
        ]
        if not set(statuses) <= {404, 405} or 404 not in statuses:
            problems.append(f"{page} → GET {statuses[0]}, POST {statuses[1]}")
        elif snapshot() != before:
            problems.append(f"{page} → changed data")
    return problems


def report(title: str, problems: list[str]) -> str:
    return title + ":\n  " + "\n  ".join(problems)
