from django.urls import path

from signoff.web.views import auth, customers, operations, repair_orders, shop_settings

app_name = "web"
urlpatterns = [
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("switch-shop/", auth.switch_shop, name="switch_shop"),
    # Repair orders
    path("", repair_orders.ro_list, name="ro_list"),
    path("ros/", repair_orders.ro_list, name="ro_list_alias"),
    path("ros/new/", repair_orders.ro_create, name="ro_create"),
    path("ros/<int:ro_id>/", repair_orders.ro_detail, name="ro_detail"),
    path("ros/<int:ro_id>/edit/", repair_orders.ro_edit, name="ro_edit"),
    path("ros/<int:ro_id>/operations/new/", operations.operation_create, name="operation_create"),
    path("operations/<int:operation_id>/edit/", operations.operation_edit, name="operation_edit"),
    path(
        "operations/<int:operation_id>/remove/",
        operations.operation_remove,
        name="operation_remove",
    ),
    path("operations/<int:operation_id>/move/", operations.operation_move, name="operation_move"),
    # Customers
    path("customers/", customers.customer_list, name="customer_list"),
    path("customers/new/", customers.customer_create, name="customer_create"),
    path("customers/<int:customer_id>/", customers.customer_detail, name="customer_detail"),
    path("customers/<int:customer_id>/edit/", customers.customer_edit, name="customer_edit"),
    path(
        "customers/<int:customer_id>/contacts/new/",
        customers.contact_create,
        name="contact_create",
    ),
    path("contacts/<int:contact_id>/edit/", customers.contact_edit, name="contact_edit"),
    path(
        "contacts/<int:contact_id>/make-primary/",
        customers.contact_make_primary,
        name="contact_make_primary",
    ),
    path(
        "customers/<int:customer_id>/vehicles/new/",
        customers.vehicle_create,
        name="vehicle_create",
    ),
    path("vehicles/<int:vehicle_id>/edit/", customers.vehicle_edit, name="vehicle_edit"),
    # Shop settings
    path("settings/", shop_settings.settings_page, name="settings"),
    path("settings/api-tokens/", shop_settings.api_tokens, name="api_tokens"),
    path(
        "settings/api-tokens/<int:token_id>/revoke/",
        shop_settings.api_token_revoke,
        name="api_token_revoke",
    ),
]
