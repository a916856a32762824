from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Commands that compose several apps: the demo shop and the delivery worker."""

    name = "signoff.ops"
    label = "ops"
