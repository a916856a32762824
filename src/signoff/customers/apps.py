from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "signoff.customers"
    label = "customers"
