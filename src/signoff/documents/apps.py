from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "signoff.documents"
    label = "documents"
