from django.contrib import admin

from signoff.orders.models import RepairOrder


@admin.register(RepairOrder)
class RepairOrderAdmin(admin.ModelAdmin):
    """Back-office view only: operations and their evidence are changed through Signoff itself."""

    list_display = ["number", "customer", "shop", "status", "etr"]
    list_filter = ["shop", "status"]
    search_fields = ["number", "customer__name", "vehicle__vin"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
