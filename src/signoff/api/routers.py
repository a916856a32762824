"""Every router of the API, in one list, so the schema and the permission walk see them all."""

from signoff.api import approvals as approvals_api
from signoff.api import authorization, customers, operations, portal, repair_orders
from signoff.api import sharing as sharing_api

ALL = [
    ("", customers.router),
    ("", repair_orders.router),
    ("", operations.router),
    ("", portal.router),
    ("", sharing_api.router),
    ("", approvals_api.router),
    ("", authorization.router),
]
