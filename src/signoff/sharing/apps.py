from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "signoff.sharing"
    label = "sharing"

    def ready(self) -> None:
        from signoff.sharing.reminders import on_message_not_delivered
        from signoff.sharing.signals import message_not_delivered

        message_not_delivered.connect(on_message_not_delivered, dispatch_uid="fallback_channel")
