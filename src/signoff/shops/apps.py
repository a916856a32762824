from django.apps import AppConfig


class ShopsConfig(AppConfig):
    name = "signoff.shops"
    label = "shops"
