from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "signoff.sharing"
    label = "sharing"
