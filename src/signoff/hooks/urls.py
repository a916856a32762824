"""Provider callbacks: Twilio's text-message status reports."""

from django.urls import path

from signoff.hooks import views

app_name = "hooks"
urlpatterns = [
    path("twilio/status", views.twilio_status, name="twilio_status"),
]
