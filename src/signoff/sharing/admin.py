"""Admin: versions, shares, links and messages are evidence, for reading only."""

from django.apps import apps
from django.contrib import admin

from signoff.approvals.admin import ReadOnlyAdmin

for _name in ("EstimateVersion", "Share", "ShareLink", "Message"):
    admin.site.register(apps.get_model("sharing", _name), ReadOnlyAdmin)
