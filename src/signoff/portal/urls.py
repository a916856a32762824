"""Customer-side URLs, included at /s/: the share page, its live total, the thank-you page, and
the PDFs a contact downloads (the estimate, and their signed copy)."""

from django.urls import path

from signoff.portal import views

app_name = "portal"
urlpatterns = [
    path("<str:token>", views.page, name="page"),
    path("<str:token>/total", views.total, name="total"),
    path("<str:token>/done", views.done, name="done"),
    path("<str:token>/estimate.pdf", views.estimate_pdf, name="estimate_pdf"),
    path("<str:token>/signed.pdf", views.signed_copy, name="signed_copy"),
]
