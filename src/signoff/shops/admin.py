"""Admin for shops: add a shop and its staff, check settings by the settings page's rules.

Nothing here is deleted: decisions, versions and messages belong to a shop and name its staff.
"""

from django import forms
from django.contrib import admin

from signoff.core.errors import ValidationFailed
from signoff.shops.models import ApiToken, Membership, Shop
from signoff.shops.services import SETTINGS_FIELDS, shop_create, shop_settings_clean
from signoff.shops.timezones import timezone_names


class ShopForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=[], initial=Shop._meta.get_field("timezone").default)

    class Meta:
        model = Shop
        fields = ["slug", *SETTINGS_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [(z, z) for z in sorted(timezone_names())]

    def clean(self):
        cleaned = super().clean()
        try:
            values = shop_settings_clean({f: cleaned.get(f) for f in SETTINGS_FIELDS})
        except ValidationFailed as exc:
            for key, message in exc.fields.items():
                if key not in self.errors:  # a field's own check already said what is wrong
                    self.add_error(key if key in self.fields else None, message)
        else:
            cleaned.update(values)
        return cleaned


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    form = ShopForm
    list_display = ["name", "slug", "timezone", "sms_status"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new shop is set up like one from `signoff shop create`: with its default reasons.
        created = shop_create(slug=obj.slug, **{f: getattr(obj, f) for f in SETTINGS_FIELDS})
        # The staff inline saves against `obj`, so it becomes the row just created.
        for field in Shop._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False
        obj._state.db = created._state.db

    def has_delete_permission(self, request, obj=None):
        return False  # its decisions and messages are evidence


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created in Settings › API tokens (the raw value is shown once there). Here an
    administrator can rename or revoke one; revoked tokens stay listed."""

    list_display = ["name", "hint", "user", "shop", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["shop"]
    readonly_fields = ["shop", "user", "token_hash", "hint", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
