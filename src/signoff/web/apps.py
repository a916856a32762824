from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "signoff.web"
    label = "web"

    def ready(self) -> None:
        # Registers the deployment checks (SECRET_KEY) with Django's check framework.
        from signoff import checks  # noqa: F401
