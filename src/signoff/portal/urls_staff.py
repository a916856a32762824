"""Staff URLs of the portal app: approval in person, signature images, the certificate PDF."""

from django.urls import path

from signoff.portal import views_staff

app_name = "portal_staff"
urlpatterns = [
    path("ros/<int:ro_id>/in-person/", views_staff.in_person, name="in_person"),
    path("ros/<int:ro_id>/in-person/total", views_staff.in_person_total, name="in_person_total"),
    path("ros/<int:ro_id>/in-person/done/", views_staff.in_person_done, name="in_person_done"),
    path(
        "ros/<int:ro_id>/signatures/<int:signature_id>.png",
        views_staff.signature_png,
        name="signature_png",
    ),
    path("ros/<int:ro_id>/certificate.pdf", views_staff.certificate, name="certificate"),
]
