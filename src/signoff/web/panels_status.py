"""The RO page's status history panel: every change of the RO's status, with who and why."""

from __future__ import annotations

from signoff.approvals.lifecycle import ro_status_history


def ro_status_changes(*, request, actor, ro, rows) -> dict:
    return {
        "changes": ro_status_history(repair_order=ro),
        "shop_timezone": ro.shop.timezone,
    }
