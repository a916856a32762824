from django.urls import path

from signoff.web.views import (
    auth,
    branding,
    customers,
    decisions,
    documents,
    in_person,
    kiosk,
    not_to_exceed,
    operations,
    profile,
    repair_orders,
    sharing,
    shop_settings,
    today,
)

app_name = "web"
urlpatterns = [
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("switch-shop/", auth.switch_shop, name="switch_shop"),
    # Today: the staff home page
    path("today/", today.today_page, name="today"),
    path("today/badge/", today.today_badge, name="today_badge"),
    path("profile/", profile.profile, name="profile"),
    # Repair orders
    path("", repair_orders.ro_list, name="ro_list"),
    path("ros/", repair_orders.ro_list, name="ro_list_alias"),
    path("ros/new/", repair_orders.ro_create, name="ro_create"),
    path("ros/<id:ro_id>/", repair_orders.ro_detail, name="ro_detail"),
    path("ros/<id:ro_id>/parts/<slug:part>/", repair_orders.ro_part, name="ro_part"),
    path("ros/<id:ro_id>/changes/", repair_orders.ro_changes, name="ro_changes"),
    path("ros/<id:ro_id>/edit/", repair_orders.ro_edit, name="ro_edit"),
    path("ros/<id:ro_id>/status/", repair_orders.ro_status, name="ro_status"),
    path("ros/<id:ro_id>/operations/new/", operations.operation_create, name="operation_create"),
    path("operations/<id:operation_id>/edit/", operations.operation_edit, name="operation_edit"),
    path(
        "operations/<id:operation_id>/remove/",
        operations.operation_remove,
        name="operation_remove",
    ),
    path("operations/<id:operation_id>/move/", operations.operation_move, name="operation_move"),
    # Decisions on the customer's behalf, history, the evidence check, the reason list
    path("operations/<id:operation_id>/decide/", decisions.decide, name="decide"),
    path("operations/<id:operation_id>/history/", decisions.history, name="history"),
    path("ros/<id:ro_id>/verify/", decisions.ro_verify, name="ro_verify"),
    path("settings/reasons/", decisions.reasons, name="reasons"),
    path("settings/reasons/<id:reason_id>/", decisions.reason_edit, name="reason_edit"),
    path("settings/reasons/<id:reason_id>/retire/", decisions.reason_retire, name="reason_retire"),
    path(
        "settings/reasons/<id:reason_id>/reactivate/",
        decisions.reason_reactivate,
        name="reason_reactivate",
    ),
    path("settings/reasons/<id:reason_id>/move/", decisions.reason_move, name="reason_move"),
    # Sharing
    path("ros/<id:ro_id>/share/<slug:slug>/", sharing.share, name="share"),
    path("share-links/<id:link_id>/url/", sharing.link_url, name="link_url"),
    path("share-links/<id:link_id>/revoke/", sharing.link_revoke, name="link_revoke"),
    path("messages/<id:message_id>/fallback/", sharing.message_fallback, name="message_fallback"),
    # Approval in person, signature images, the authorization certificate
    path("ros/<id:ro_id>/in-person/", in_person.in_person, name="in_person"),
    path("ros/<id:ro_id>/in-person/total", in_person.in_person_total, name="in_person_total"),
    path("ros/<id:ro_id>/in-person/done/", in_person.in_person_done, name="in_person_done"),
    path(
        "ros/<id:ro_id>/not-to-exceed/",
        not_to_exceed.not_to_exceed_start,
        name="not_to_exceed_start",
    ),
    path(
        "ros/<id:ro_id>/in-person/not-to-exceed/",
        not_to_exceed.not_to_exceed_screen,
        name="not_to_exceed_screen",
    ),
    path("in-person/unlock/", kiosk.unlock, name="kiosk_unlock"),
    path(
        "ros/<id:ro_id>/signatures/<id:signature_id>.png",
        in_person.signature_png,
        name="signature_png",
    ),
    path("ros/<id:ro_id>/certificate.pdf", in_person.certificate, name="certificate"),
    # Estimate PDFs on screen: the draft as it is now, each version, each share as sent
    path(
        "ros/<id:ro_id>/estimate-preview.pdf", documents.estimate_preview, name="estimate_preview"
    ),
    path(
        "ros/<id:ro_id>/versions/<id:version_id>/estimate.pdf",
        documents.version_pdf,
        name="version_pdf",
    ),
    path("ros/<id:ro_id>/shares/<id:share_id>/estimate.pdf", documents.share_pdf, name="share_pdf"),
    # Customers
    path("customers/", customers.customer_list, name="customer_list"),
    path("customers/new/", customers.customer_create, name="customer_create"),
    path("customers/<id:customer_id>/", customers.customer_detail, name="customer_detail"),
    path("customers/<id:customer_id>/edit/", customers.customer_edit, name="customer_edit"),
    path(
        "customers/<id:customer_id>/contacts/new/",
        customers.contact_create,
        name="contact_create",
    ),
    path("contacts/<id:contact_id>/edit/", customers.contact_edit, name="contact_edit"),
    path(
        "contacts/<id:contact_id>/make-primary/",
        customers.contact_make_primary,
        name="contact_make_primary",
    ),
    path(
        "customers/<id:customer_id>/vehicles/new/",
        customers.vehicle_create,
        name="vehicle_create",
    ),
    path("vehicles/<id:vehicle_id>/edit/", customers.vehicle_edit, name="vehicle_edit"),
    # Shop settings
    path("settings/", shop_settings.settings_page, name="settings"),
    path("settings/branding/", branding.branding_page, name="branding"),
    path(
        "settings/branding/logo/remove/",
        branding.branding_logo_remove,
        name="branding_logo_remove",
    ),
    path("settings/esign/", shop_settings.esign_disclosure, name="esign_disclosure"),
    path("settings/api-tokens/", shop_settings.api_tokens, name="api_tokens"),
    path(
        "settings/api-tokens/<id:token_id>/revoke/",
        shop_settings.api_token_revoke,
        name="api_token_revoke",
    ),
]
