"""Template context for staff pages: the acting user's shop, memberships and dev outbox flag."""

from django.conf import settings


def current_shop(request):
    actor = getattr(request, "actor", None)
    if actor is None or not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "actor": actor if actor else None,
        "memberships": getattr(request, "memberships", []),
        # The outbox shows customers' links, so only to those who may see them.
        "dev_outbox_enabled": settings.DEV_OUTBOX and bool(actor) and actor.can_reveal_links,
        # How often the top bar's Today link asks for its counts.
        "today_poll_seconds": settings.TODAY_POLL_SECONDS,
    }
