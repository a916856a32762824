"""`signoff shop create --name N --slug S [--timezone Z]`: a new shop, set up like the admin's."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from signoff.core.errors import SignoffError
from signoff.shops.services import DEFAULT_TIMEZONE, shop_create


class Command(BaseCommand):
    help = (
        "Create a shop with the default settings and approval reasons. Add its staff (with "
        "their roles) in the admin afterwards; change its settings on the settings page."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", required=True, help="the shop's name as customers know it")
        parser.add_argument("--slug", required=True, help="a short unique name, e.g. eastside")
        parser.add_argument(
            "--timezone", default=DEFAULT_TIMEZONE, help=f"IANA zone (default {DEFAULT_TIMEZONE})"
        )

    def handle(self, *args, name: str, slug: str, timezone: str, **options) -> None:
        try:
            shop = shop_create(name=name, slug=slug, timezone=timezone)
        except SignoffError as exc:
            details = " ".join(exc.fields.values())
            raise CommandError(f"{exc.message} {details}".strip()) from None
        staff_page = settings.SITE_URL + reverse("admin:shops_shop_change", args=[shop.pk])
        self.stdout.write(
            f"Created shop “{shop.name}” (slug {shop.slug}, time zone {shop.timezone}).\n"
            f"Add its staff at {staff_page}"
        )
