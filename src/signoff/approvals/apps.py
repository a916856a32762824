from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "signoff.approvals"
    label = "approvals"

    def ready(self) -> None:
        from signoff.approvals import lifecycle, services
        from signoff.orders.signals import estimate_changed, operation_changed
        from signoff.shops.signals import shop_created

        # A change to a decided operation puts it back to Pending, recorded as a decision.
        operation_changed.connect(services.decision_reset_on_change, dispatch_uid="approvals")
        # A change to a shown estimate freezes the version the customer page will show, so the
        # page itself never writes (docs/sharing.md, Versions).
        estimate_changed.connect(services.version_refresh_on_change, dispatch_uid="approvals")
        # …and can leave it undecided again, or decide it: the RO's status follows.
        estimate_changed.connect(lifecycle.ro_status_follow_on_change, dispatch_uid="lifecycle")
        # A new shop gets the default reasons, so decisions can be recorded on the customer's
        # behalf before anyone edits the list.
        shop_created.connect(services.reasons_seed_on_shop_created, dispatch_uid="approvals")
