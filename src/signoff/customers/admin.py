"""Admin for customers: for looking up and correcting typos, checked by the staff pages' rules.

Customers, contacts and vehicles are added on the staff pages (a customer always starts with a
primary contact there) and never deleted: decisions and share links name the contact, repair
orders name the vehicle. A record stays in the shop it was created in.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin

from signoff.core.errors import ValidationFailed
from signoff.customers import services
from signoff.customers.models import Contact, Customer, Vehicle

CONTACT_FIELDS = [
    "name",
    "relationship",
    "is_primary",
    "email",
    "mobile",
    "phone",
    "preferred_number",
    "notify",
    "language",
]
VEHICLE_FIELDS = ["vin", "year", "make", "model", "unit_number", "license_plate", "odometer"]


def _apply_rules(form: forms.ModelForm, clean: Callable[..., Any]) -> None:
    """Runs a service's cleaner on the form's data; its messages go on the fields they name."""
    data = {k: v for k, v in form.cleaned_data.items() if k in form._meta.fields}
    try:
        cleaned = clean(data, current=form.instance if form.instance.pk else None)
    except ValidationFailed as exc:
        for key, message in exc.fields.items():
            if key not in form.errors:  # the field's own check already said what is wrong
                form.add_error(key if key in form.fields else None, message)
        return
    values = cleaned[0] if isinstance(cleaned, tuple) else cleaned
    form.cleaned_data.update({k: v for k, v in values.items() if k in form.fields})


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = CONTACT_FIELDS

    def clean(self):
        cleaned = super().clean()
        _apply_rules(self, services.contact_clean)
        return cleaned


class VehicleForm(forms.ModelForm):
    class Meta:
        model = Vehicle
        fields = VEHICLE_FIELDS

    def clean(self):
        cleaned = super().clean()
        _apply_rules(self, services.vehicle_clean)
        return cleaned


class ContactInline(admin.TabularInline):
    model = Contact
    form = ContactForm
    fields = CONTACT_FIELDS
    # One primary per customer is a database rule; change it with "Make primary" on the page.
    readonly_fields = ["is_primary"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False  # added on the customer's staff page, with the shop set

    def has_delete_permission(self, request, obj=None):
        return False  # decisions name the contact who approved; keep them


class VehicleInline(admin.TabularInline):
    model = Vehicle
    form = VehicleForm
    fields = VEHICLE_FIELDS
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # repair orders point at their vehicle


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "shop"]
    list_filter = ["shop", "kind"]
    list_select_related = ["shop"]
    search_fields = ["name", "contacts__name", "contacts__email", "vehicles__vin"]
    fields = ["shop", "kind", "name", "notes"]
    # Moving a customer would leave its contacts, vehicles and repair orders in the old shop.
    readonly_fields = ["shop"]
    inlines = [ContactInline, VehicleInline]

    def has_add_permission(self, request):
        return False  # the staff page creates the customer together with its primary contact

    def has_delete_permission(self, request, obj=None):
        return False
