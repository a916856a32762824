"""Admin: evidence is for reading. No add, change or delete is offered."""

from django.apps import apps
from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for _name in ("Decision", "Signature", "Event"):
    admin.site.register(apps.get_model("approvals", _name), ReadOnlyAdmin)
