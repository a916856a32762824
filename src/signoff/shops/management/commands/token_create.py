"""`signoff token create --user U --shop SLUG [--name N]`: a staff API token, printed once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from signoff.core.errors import SignoffError
from signoff.shops.access import actor_for
from signoff.shops.models import Shop
from signoff.shops.services import api_token_create


class Command(BaseCommand):
    help = (
        "Create an API token for a user in a shop and print it. Only its hash is stored, so "
        "copy it now; it acts with the user's role in that shop."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--shop", required=True, help="shop slug")
        parser.add_argument("--name", default="CLI token", help="a name to recognise it by")

    def handle(self, *args, user: str, shop: str, name: str, **options) -> None:
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user named “{user}”. Check the username.")
        shop_row = Shop.objects.filter(slug=shop).first()
        if shop_row is None:
            raise CommandError(f"No shop with the slug “{shop}”. Check the slug.")
        try:
            actor = actor_for(user=account, shop_id=shop_row.pk)
        except SignoffError:
            raise CommandError(
                f"{user} is not a member of {shop_row.name}; add them to the shop first."
            ) from None
        try:
            token, raw = api_token_create(actor=actor, name=name)
        except SignoffError as exc:
            details = " ".join(exc.fields.values())
            raise CommandError(f"{exc.message} {details}".strip()) from None
        self.stderr.write(
            f"Created token “{token.name}” for {user} in {shop_row.name} ({actor.role}). "
            "It is shown only once:"
        )
        self.stdout.write(raw)
