"""Admin for the records no app registers itself: shown read-only, never edited by hand."""

from django.apps import apps
from django.contrib import admin

from signoff.approvals.admin import ReadOnlyAdmin

# Web is the last app loaded, so an app that registers one of these itself takes precedence.
for _label in ("sharing.OutboxCapture", "api.IdempotencyRecord"):
    try:
        _model = apps.get_model(_label)
    except LookupError:
        continue
    if not admin.site.is_registered(_model):
        admin.site.register(_model, ReadOnlyAdmin)

admin.site.site_header = "Signoff administration"
admin.site.site_title = "Signoff admin"
