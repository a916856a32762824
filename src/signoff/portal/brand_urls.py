"""Public branding URLs, included at /brand/: a shop's current logo and an accent's stylesheet."""

from django.urls import path

from signoff.portal import brand

app_name = "brand"
urlpatterns = [
    path("<id:shop_id>/<str:filename>", brand.logo, name="logo"),
    path("accent-<str:accent>.css", brand.theme, name="theme"),
]
