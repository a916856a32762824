from django.contrib import admin

from signoff.shops.models import ApiToken, ApprovalReason, Membership, Shop


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "sms_status"]
    inlines = [MembershipInline]


@admin.register(ApprovalReason)
class ApprovalReasonAdmin(admin.ModelAdmin):
    list_display = ["label", "shop", "kind", "active"]
    list_filter = ["shop", "active"]

    def has_delete_permission(self, request, obj=None):
        return False  # retire a reason instead; old decisions still name it


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
