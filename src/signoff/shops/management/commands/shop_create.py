"""`signoff shop create --name N --slug S [--timezone Z] [--owner U [--email E]]`: a new shop,
set up like the admin's, with its first owner when asked."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from signoff.core.errors import SignoffError
from signoff.shops.services import DEFAULT_TIMEZONE, shop_create, shop_create_with_owner


class Command(BaseCommand):
    help = (
        "Create a shop with the default settings and approval reasons, and with --owner its "
        "owner (a new user gets a password, printed once). Add more staff in the admin."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", required=True, help="the shop's name as customers know it")
        parser.add_argument("--slug", required=True, help="a short unique name, e.g. eastside")
        parser.add_argument(
            "--timezone", default=DEFAULT_TIMEZONE, help=f"IANA zone (default {DEFAULT_TIMEZONE})"
        )
        parser.add_argument("--owner", help="the owner's username; a new user is created")
        parser.add_argument("--email", default="", help="the new owner's email address")

    def handle(self, *args, name: str, slug: str, timezone: str, owner, email, **options) -> None:
        password = user = None
        try:
            if owner is None:
                shop = shop_create(name=name, slug=slug, timezone=timezone)
            else:
                shop, user, password = shop_create_with_owner(
                    name=name, slug=slug, timezone=timezone, owner=owner, email=email
                )
        except SignoffError as exc:
            details = " ".join(exc.fields.values())
            raise CommandError(f"{exc.message} {details}".strip()) from None
        staff_page = settings.SITE_URL + reverse("admin:shops_shop_change", args=[shop.pk])
        self.stdout.write(
            f"Created shop “{shop.name}” (slug {shop.slug}, time zone {shop.timezone})."
        )
        if user is not None and password:
            login = settings.SITE_URL + reverse("web:login")
            self.stdout.write(
                f"Owner {user.get_username()} can log in at {login} with the password below "
                "(shown once; change it after the first login):"
            )
            self.stdout.write(f"password: {password}")
        elif user is not None:
            self.stdout.write(f"{user.get_username()} (an existing user) is its owner.")
        self.stdout.write(f"Add its staff at {staff_page}")
