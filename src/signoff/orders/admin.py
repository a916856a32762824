"""Admin for repair orders: for looking only. Estimates change through Signoff's own pages,
where editing an operation returns its decision to Pending and removing one keeps its history."""

from django.contrib import admin

from signoff.core.admin import ReadOnlyAdmin
from signoff.orders.models import Operation, OperationLine, RepairOrder


class OperationLineInline(admin.TabularInline):
    model = OperationLine
    fields = ["kind", "part_number", "description", "quantity", "unit_price", "taxable"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OperationInline(admin.TabularInline):
    model = Operation
    fields = ["position", "kind", "title", "revision", "removed_at"]
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RepairOrder)
class RepairOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "customer", "shop", "status", "etr", "updated_at"]
    list_filter = ["shop", "status"]
    search_fields = ["number", "customer__name", "vehicle__vin"]
    list_select_related = ["customer", "shop"]
    inlines = [OperationInline]


@admin.register(Operation)
class OperationAdmin(ReadOnlyAdmin):
    list_display = ["title", "repair_order", "kind", "revision", "removed_at"]
    list_filter = ["shop", "kind"]
    search_fields = ["title", "repair_order__number"]
    list_select_related = ["repair_order"]
    inlines = [OperationLineInline]
