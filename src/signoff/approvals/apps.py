from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "signoff.approvals"
    label = "approvals"

    def ready(self) -> None:
        from signoff.approvals import services
        from signoff.orders.signals import operation_changed

        # A change to a decided operation puts it back to Pending, recorded as a decision.
        operation_changed.connect(services.decision_reset_on_change, dispatch_uid="approvals")
