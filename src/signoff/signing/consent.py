"""The consent statement a contact agrees to before signing, in their language.

The page shows it and the server stores it with the signature; both come from this function,
so what is stored is exactly what was shown for the same choices (the client's copy is never
trusted).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from signoff.core.formatting import money


def consent_text(
    *,
    shop_name: str,
    ro_label: str,
    estimate_amount: Decimal | None,
    recommendation_amount: Decimal | None = None,
    language: str = "en",
) -> str:
    """The statement shown above the consent checkbox and stored with the signature.

    It names the shop, the RO and the amount authorized, says the contact agrees to sign
    electronically, and that they can ask the shop for a paper copy (E-SIGN Act disclosure).
    `estimate_amount` is None when no estimate work is approved; `recommendation_amount` is
    given only when recommended work is approved with a signature. With neither, the contact
    is only declining, and the statement says so rather than authorizing "work I approved".
    """
    with translation.override(language):
        values = {"shop": shop_name, "ro": ro_label}
        if estimate_amount is not None and recommendation_amount is None:
            values["amount"] = money(estimate_amount)
            authorize = (
                _(
                    "I authorize %(shop)s to do the work I approved above on %(ro)s, for a total "
                    "of %(amount)s including tax, and I decline the work I marked as declined."
                )
                % values
            )
        elif estimate_amount is not None:
            values["amount"] = money(estimate_amount)
            values["recommended"] = money(recommendation_amount)
            authorize = (
                _(
                    "I authorize %(shop)s to do the work I approved above on %(ro)s, for a total "
                    "of %(amount)s including tax, plus %(recommended)s including tax for the "
                    "recommended work I approved, and I decline the work I marked as declined."
                )
                % values
            )
        elif recommendation_amount is not None:
            values["amount"] = money(recommendation_amount)
            authorize = (
                _(
                    "I authorize %(shop)s to do the recommended work I approved above on "
                    "%(ro)s, for a total of %(amount)s including tax, and I decline the work I "
                    "marked as declined."
                )
                % values
            )
        else:
            values["amount"] = money(Decimal("0.00"))
            authorize = (
                _(
                    "I decline the work I marked as declined above on %(ro)s, and I do not "
                    "authorize %(shop)s to do it: this signature authorizes %(amount)s."
                )
                % values
            )
        esign = (
            _(
                "I agree to sign electronically, and that my electronic signature counts the same "
                "as one on paper. I can ask %(shop)s for a paper copy at any time."
            )
            % values
        )
    return f"{authorize} {esign}"
