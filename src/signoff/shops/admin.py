from django.contrib import admin

from signoff.shops.models import ApiToken, ApprovalReason, Membership, Shop


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


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
    list_display = ["name", "hint", "user", "shop", "created_at", "revoked_at"]
    readonly_fields = ["token_hash", "hint"]
