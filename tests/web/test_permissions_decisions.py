"""Every approvals page and API route, walked with an owner, a technician and another shop's owner.

Technicians read but never change; another shop's objects are 404, never 403.
"""

from dataclasses import dataclass

import pytest

from signoff.approvals.models import ApprovalReason
from tests.approvals.helpers import ro_with_operations
from tests.support.clients import client_for


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # formatted with ro, op, reason
    owner: int
    technician: int
    outsider: int
    api: bool = False


ROUTES = [
    Route("get", "/operations/{op}/decide/?status=approved", 200, 403, 404),
    Route("post", "/operations/{op}/decide/", 302, 403, 404),
    Route("get", "/operations/{op}/history/", 200, 200, 404),
    Route("get", "/ros/{ro}/verify/", 200, 200, 404),
    Route("get", "/settings/reasons/", 200, 403, 200),  # each shop's own list
    Route("post", "/settings/reasons/{reason}/", 302, 403, 404),
    Route("post", "/settings/reasons/{reason}/retire/", 302, 403, 404),
    Route("post", "/settings/reasons/{reason}/reactivate/", 302, 403, 404),
    Route("post", "/settings/reasons/{reason}/move/", 302, 403, 404),
    Route("get", "/api/v1/operations/{op}/decisions", 200, 200, 404, api=True),
    Route("post", "/api/v1/operations/{op}/decisions", 201, 403, 404, api=True),
    Route("get", "/api/v1/repair-orders/{ro}/verify", 200, 200, 404, api=True),
    Route("get", "/api/v1/approval-reasons", 200, 200, 200, api=True),
]


def _request(client, route: Route, shop, ro, op, reason):
    path = route.path.format(ro=ro.pk, op=op.pk, reason=reason.pk)
    if route.method == "get":
        return client.get(path)
    if route.api:
        body = {"status": "approved", "reason": reason.pk}
        return client.post(path, body, content_type="application/json")
    form = {"status": "approved", "reason": reason.pk, "label": "Renamed", "kind": "written"}
    return client.post(path, form)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
@pytest.mark.parametrize("who", ["owner", "technician", "outsider"])
def test_each_route_answers_each_kind_of_user_as_expected(
    route, who, shop, other_shop, alice, bob, charlie, api_client_for
):
    ro, (op, _) = ro_with_operations(shop)
    reason = ApprovalReason.objects.filter(shop=shop, label="Email").get()
    user, user_shop = {
        "owner": (alice, shop),
        "technician": (bob, shop),
        "outsider": (charlie, other_shop),
    }[who]
    client = api_client_for(user, user_shop) if route.api else client_for(user)
    if route.api and route.method == "post" and who == "outsider":
        reason = ApprovalReason.objects.filter(shop=other_shop).first()
    response = _request(client, route, shop, ro, op, reason)
    assert response.status_code == getattr(route, who), response.content[:300]
