"""Admin: evidence is for reading. Approval reasons are retired, never deleted, and stay in
their shop: decisions there point at them."""

from django.contrib import admin

from signoff.approvals.models import ApprovalReason, Decision, EstimateVersion, Event, Signature
from signoff.core.admin import ReadOnlyAdmin

for _model in (Decision, Signature, Event, EstimateVersion):
    admin.site.register(_model, ReadOnlyAdmin)


@admin.register(ApprovalReason)
class ApprovalReasonAdmin(admin.ModelAdmin):
    list_display = ["label", "shop", "kind", "active"]
    list_filter = ["shop", "active"]

    def get_readonly_fields(self, request, obj=None):
        # A reason stays in its shop: decisions there point at it.
        return ["shop"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # retire a reason instead; old decisions still name it
