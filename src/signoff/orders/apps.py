from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "signoff.orders"
    label = "orders"
