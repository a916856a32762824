from django.contrib import admin

from signoff.customers.models import Contact, Customer, Vehicle


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class VehicleInline(admin.TabularInline):
    model = Vehicle
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "shop"]
    list_filter = ["shop", "kind"]
    search_fields = ["name"]
    inlines = [ContactInline, VehicleInline]
