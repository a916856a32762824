from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "signoff.core"
    label = "core"
