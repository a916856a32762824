"""Staff URLs for sharing an estimate, copying a link and withdrawing links."""

from django.urls import path

from signoff.sharing import views

app_name = "sharing"
urlpatterns = [
    path("ros/<int:ro_id>/share/<slug:slug>/", views.share, name="share"),
    path("share-links/<int:link_id>/url/", views.link_url, name="link_url"),
    path("share-links/<int:link_id>/revoke/", views.link_revoke, name="link_revoke"),
]
