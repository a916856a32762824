"""Personal share links: minting them, turning a raw token back into its link, and its URL.

A raw token exists only in the message that carries it; the database keeps its SHA-256, so a
leaked database does not open anyone's estimate.
"""

from __future__ import annotations

import hmac
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from signoff.customers.models import Contact
from signoff.errors import LinkGone, NotFound
from signoff.sharing.models import Share, ShareLink

# secrets.token_urlsafe(32) gives 43 characters; anything far off that is not one of ours.
_MIN_TOKEN_LENGTH = 32
_MAX_TOKEN_LENGTH = 128


def share_link_url(raw_token: str) -> str:
    """The absolute address a contact opens: SITE_URL + /s/<token>."""
    return f"{settings.SITE_URL}/s/{raw_token}"


def share_link_mint(*, share: Share, contact: Contact) -> tuple[ShareLink, str]:
    """A new link for one contact on the share's RO. Returns (link, raw token)."""
    raw = ShareLink.new_token()
    link = ShareLink.objects.create(
        shop_id=share.shop_id,
        share=share,
        repair_order_id=share.repair_order_id,
        contact=contact,
        token_hash=ShareLink.hash_token(raw),
        expires_at=timezone.now() + timedelta(days=share.shop.link_expiry_days),
    )
    return link, raw


def share_link_resolve(*, raw_token: str) -> ShareLink:
    """The link behind a raw token, with its RO, contact and share loaded.

    Unknown tokens are NotFound; expired or revoked ones are LinkGone, so the customer page can
    say "ask the shop for a new link" instead of "not found".
    """
    if not raw_token or not (_MIN_TOKEN_LENGTH <= len(raw_token) <= _MAX_TOKEN_LENGTH):
        raise NotFound("This link is not valid. Check that it was copied completely.")
    wanted = ShareLink.hash_token(raw_token)
    link = (
        ShareLink.objects.select_related(
            "shop", "repair_order", "repair_order__customer", "contact", "share", "share__version"
        )
        .filter(token_hash=wanted)
        .first()
    )
    if link is None:
        raise NotFound("This link is not valid. Check that it was copied completely.")
    # The lookup already matched, but compare in constant time anyway so no code path ever
    # branches on a partial token comparison.
    if not hmac.compare_digest(link.token_hash, wanted):
        raise NotFound("This link is not valid. Check that it was copied completely.")
    if link.revoked_at is not None:
        raise LinkGone(
            f"This link was withdrawn by {link.shop.name}. Ask them to send you a new one."
        )
    if link.expires_at <= timezone.now():
        raise LinkGone(f"This link has expired. Ask {link.shop.name} to send you a new one.")
    return link
