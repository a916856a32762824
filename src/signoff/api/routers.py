"""Every router of the API, in one list, so the schema and the permission walk see them all."""

from signoff.api import customers, operations, portal, repair_orders

ALL = [
    ("", customers.router),
    ("", repair_orders.router),
    ("", operations.router),
    ("", portal.router),
]
