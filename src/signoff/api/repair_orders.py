"""API routes: repair_orders."""

from ninja import Router

router = Router(tags=["repair_orders"])
