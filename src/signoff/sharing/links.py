"""Personal share links: minting them, deriving a link's token again, and resolving a token.

No usable token is stored anywhere. A link keeps a random nonce and the SHA-256 of its token;
the token itself is an HMAC of the nonce under the server's secret key, derived when a message
is sent or staff ask for the link, so a leaked database opens nobody's estimate.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from signoff.approvals.models import EstimateVersion
from signoff.core.errors import Conflict, LinkGone, NotFound
from signoff.core.queries import one_or_none
from signoff.customers.models import Contact
from signoff.sharing import ratelimit
from signoff.sharing.models import Share, ShareLink

# Derived tokens are 43 characters (256 bits, base64url); anything far off that is not one of ours.
_MIN_TOKEN_LENGTH = 32
_MAX_TOKEN_LENGTH = 128
# Domain separation: the same secret key also signs sessions and CSRF tokens.
_TOKEN_PURPOSE = "signoff.share-link:"


class ShareLinkGone(LinkGone):
    """A real link that no longer opens (expired or withdrawn). It carries the link, so the
    customer page can say whom to call."""

    def __init__(self, message: str, *, link: ShareLink):
        super().__init__(message)
        self.link = link


class TokenUnavailable(Conflict):
    """A link whose token this server cannot produce again (made before tokens were derived, or
    under a secret key that has since changed). Its token still opens it if the customer has it."""

    def __init__(self, link: ShareLink):
        super().__init__(
            f"{link.contact.name}'s link cannot be shown again: it was made before the server's "
            "secret key changed, or before links could be re-created. Share the estimate again "
            "to give them a new link.",
            code="link_unavailable",
        )


def _secret_keys() -> Iterator[str]:
    """The current secret key first, then any old ones kept for a rotation."""
    yield settings.SECRET_KEY
    yield from getattr(settings, "SECRET_KEY_FALLBACKS", [])


def _derive(nonce: str, key: str) -> str:
    digest = hmac.new(key.encode(), (_TOKEN_PURPOSE + nonce).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def share_link_token(link: ShareLink) -> str:
    """The link's raw token, derived again from its nonce.

    Raises TokenUnavailable when the derivation no longer matches the stored hash: changing
    SECRET_KEY (without keeping the old one in SECRET_KEY_FALLBACKS) means undelivered messages
    and "Copy link" cannot produce outstanding links any more.
    """
    if link.token_nonce:
        for key in _secret_keys():
            raw = _derive(link.token_nonce, key)
            if hmac.compare_digest(ShareLink.hash_token(raw), link.token_hash):
                return raw
    raise TokenUnavailable(link)


def share_link_url(raw_token: str) -> str:
    """The absolute address a contact opens: SITE_URL + the portal page (/s/<token>)."""
    return settings.SITE_URL + reverse("portal:page", kwargs={"token": raw_token})


def signed_copy_url(raw_token: str) -> str:
    """The absolute address of a contact's signed copy, downloaded through their link."""
    return settings.SITE_URL + reverse("portal:signed_copy", kwargs={"token": raw_token})


def share_link_mint(*, share: Share, contact: Contact) -> tuple[ShareLink, str]:
    """A new link for one contact on the share's RO. Returns (link, raw token)."""
    nonce = ShareLink.new_nonce()
    raw = _derive(nonce, settings.SECRET_KEY)
    link = ShareLink.objects.create(
        shop_id=share.shop_id,
        share=share,
        repair_order_id=share.repair_order_id,
        contact=contact,
        token_nonce=nonce,
        token_hash=ShareLink.hash_token(raw),
        expires_at=timezone.now() + timedelta(days=share.shop.link_expiry_days),
    )
    return link, raw


def share_link_resolve(*, raw_token: str, client: str | None) -> ShareLink:
    """The link behind a raw token, with its RO, contact and share loaded: the one way from a
    token to a link.

    Unknown tokens are NotFound; expired or revoked ones are ShareLinkGone (a LinkGone holding
    the link), so the customer page can say "ask the shop for a new link" instead of "not
    found". `client` is the requester's address on customer-side requests: each token that is no
    link counts against it (expired and revoked links are real links, not guesses; finding one
    writes nothing), and a client past the limit of unknown tokens is refused (429). None only where nobody is
    guessing (tests).
    """
    guesses = ratelimit.lookup_guesses(client=client) if client is not None else None
    try:
        link = _link_for_token(raw_token, guesses=guesses)
    except NotFound:
        # A client out of guesses is refused before this one counts; otherwise it is judged by
        # the count it made: at most the limit of guesses answer "not found".
        if client is not None:
            ratelimit.lookup_allowed(client=client)
            ratelimit.lookup_missed(client=client)
        raise
    if client is not None:
        ratelimit.lookup_judged(guesses=link.guesses)  # a real link too, once guesses ran out
    if link.is_revoked:
        raise ShareLinkGone(
            f"This link was withdrawn by {link.shop.name}. Ask them to send you a new one.",
            link=link,
        )
    if link.is_expired():
        raise ShareLinkGone(
            f"This link has expired. Ask {link.shop.name} to send you a new one.", link=link
        )
    return link


def _link_for_token(raw_token: str, *, guesses=None) -> ShareLink:
    """The link with its RO, contact, share and the share's version, and in the same row the
    RO's current version's id (`current_version_id`: the page shows the share's own version
    without another query when it is still the current one) and, given `guesses`, the client's
    guesses so far (`guesses`)."""
    if not raw_token or not (_MIN_TOKEN_LENGTH <= len(raw_token) <= _MAX_TOKEN_LENGTH):
        raise NotFound("This link is not valid. Check that it was copied completely.")
    wanted = ShareLink.hash_token(raw_token)
    current = EstimateVersion.objects.filter(repair_order=OuterRef("repair_order_id"))
    links = ShareLink.objects.select_related(
        "shop", "repair_order", "repair_order__customer", "contact", "share", "share__version"
    ).annotate(current_version_id=Subquery(current.order_by("-number").values("pk")[:1]))
    if guesses is not None:
        links = links.annotate(guesses=guesses)
    link = one_or_none(links.filter(token_hash=wanted))
    if link is None:
        raise NotFound("This link is not valid. Check that it was copied completely.")
    if link.repair_order.shop_id == link.shop_id:
        link.repair_order.shop = link.shop  # the same row, already read
    # The lookup already matched, but compare in constant time anyway so no code path ever
    # branches on a partial token comparison.
    if not hmac.compare_digest(link.token_hash, wanted):
        raise NotFound("This link is not valid. Check that it was copied completely.")
    return link
