from django.urls import path

from signoff.approvals import views

app_name = "approvals"
urlpatterns = [
    path("operations/<int:operation_id>/decide/", views.decide, name="decide"),
    path("operations/<int:operation_id>/history/", views.history, name="history"),
    path("ros/<int:ro_id>/verify/", views.ro_verify, name="ro_verify"),
    path("settings/reasons/", views.reasons, name="reasons"),
    path("settings/reasons/<int:reason_id>/", views.reason_edit, name="reason_edit"),
    path("settings/reasons/<int:reason_id>/retire/", views.reason_retire, name="reason_retire"),
    path(
        "settings/reasons/<int:reason_id>/reactivate/",
        views.reason_reactivate,
        name="reason_reactivate",
    ),
    path("settings/reasons/<int:reason_id>/move/", views.reason_move, name="reason_move"),
]
