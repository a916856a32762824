from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "signoff.web"
    label = "web"
