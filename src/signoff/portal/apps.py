from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "signoff.portal"
    label = "portal"
