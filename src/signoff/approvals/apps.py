from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "signoff.approvals"
    label = "approvals"
