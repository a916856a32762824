"""Provider webhooks under /hooks/."""

from django.urls import path

from signoff.sharing import hooks

app_name = "hooks"
urlpatterns = [
    path("twilio/status", hooks.twilio_status, name="twilio_status"),
]
