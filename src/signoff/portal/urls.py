"""Customer-side URLs, included at /s/: the share page, its live total, and the thank-you page."""

from django.urls import path

from signoff.portal import views

app_name = "portal"
urlpatterns = [
    path("<str:token>", views.page, name="page"),
    path("<str:token>/total", views.total, name="total"),
    path("<str:token>/done", views.done, name="done"),
]
