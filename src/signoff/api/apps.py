from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "signoff.api"
    label = "api"
