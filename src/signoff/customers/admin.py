"""Admin for customers: edits go through the same checks as the staff pages."""

from django import forms
from django.contrib import admin

from signoff.customers.models import Contact, Customer, Vehicle
from signoff.customers.validation import clean_email, clean_phone, clean_vin

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


def _checked(cleaner, value):
    try:
        return cleaner(value or "")
    except ValueError as exc:
        raise forms.ValidationError(str(exc)) from None


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = CONTACT_FIELDS

    def clean_email(self):
        return _checked(clean_email, self.cleaned_data.get("email"))

    def clean_mobile(self):
        return _checked(clean_phone, self.cleaned_data.get("mobile"))

    def clean_phone(self):
        return _checked(clean_phone, self.cleaned_data.get("phone"))


class VehicleForm(forms.ModelForm):
    class Meta:
        model = Vehicle
        fields = VEHICLE_FIELDS

    def clean_vin(self):
        vin, _warnings = _checked(clean_vin, self.cleaned_data.get("vin"))
        return vin


class ContactInline(admin.TabularInline):
    model = Contact
    form = ContactForm
    fields = CONTACT_FIELDS
    # One primary per customer is a database rule; change it with "Make primary" on the page.
    readonly_fields = ["is_primary"]
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False  # decisions name the contact who approved; keep them


class VehicleInline(admin.TabularInline):
    model = Vehicle
    form = VehicleForm
    fields = VEHICLE_FIELDS
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False  # repair orders point at their vehicle


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "shop"]
    list_filter = ["shop", "kind"]
    search_fields = ["name", "contacts__name", "contacts__email", "vehicles__vin"]
    inlines = [ContactInline, VehicleInline]

    def has_delete_permission(self, request, obj=None):
        return False
