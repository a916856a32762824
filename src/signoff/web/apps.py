from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "signoff.web"
    label = "web"

    def ready(self) -> None:
        # Registers Signoff's system checks (secret key, schema, production settings) with Django's check framework.
        from signoff import checks  # noqa: F401
