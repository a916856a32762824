"""API routes for the customer side: the share-link token in the path is the only credential."""

from ninja import Router

router = Router(tags=["portal"], auth=None)
