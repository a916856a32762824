"""Settings › Branding: the accent colour and the logo file (the service checks both)."""

from __future__ import annotations

from typing import Any

from django import forms

from signoff.shops.models import Shop


class BrandingForm(forms.Form):
    accent_color = forms.CharField(
        label="Accent colour",
        required=False,
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text="The customer page's header and main button, the email's header and button, "
        "and the PDFs' headings and rules. Any colour works: text on it is white or dark, "
        "whichever reads at 4.5:1 or better, and links and PDF headings use a darker shade "
        "when the colour is too light to read on white.",
    )
    # Empty files reach the service too, so that it says what is wrong with them.
    logo = forms.FileField(
        label="Logo file",
        required=False,
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/svg+xml"}),
        help_text="PNG, JPEG or SVG, at most 1 MB and 5,000 pixels on each side. Pictures are "
        "stored re-encoded without their metadata, SVGs without scripts, links or anything that "
        "loads from elsewhere. A wide logo on a transparent background looks best.",
    )

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if read_only:
            for f in self.fields.values():
                f.disabled = True

    @classmethod
    def initial_from(cls, shop: Shop) -> dict[str, Any]:
        return {"accent_color": shop.accent_color}
