"""Development pages under /dev/ (they answer 404 unless DEV_OUTBOX is on)."""

from django.urls import path

from signoff.web.views import dev_outbox

app_name = "dev"
urlpatterns = [
    path("outbox/", dev_outbox.outbox, name="outbox"),
    path("outbox/<id:message_id>/", dev_outbox.outbox_detail, name="outbox_detail"),
    path(
        "outbox/<id:message_id>/attachments/<int:index>/",
        dev_outbox.outbox_attachment,
        name="outbox_attachment",
    ),
]
