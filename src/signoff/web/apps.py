from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "signoff.web"
    label = "web"

    def ready(self) -> None:
        from django.urls import register_converter

        from signoff.core.http import IdConverter

        # `<id:…>` in web/urls.py and urls_dev.py; registered before any URLconf is read.
        register_converter(IdConverter, "id")
        # Registers Signoff's system checks (secret key, schema, production settings) with Django's check framework.
        from signoff import checks  # noqa: F401
