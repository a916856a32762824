"""The share dialog's form: which contacts, on which channels, with what in the PDF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django import forms

from signoff.core.errors import SignoffError
from signoff.documents.sections import PDF_SECTION_KEYS, PDF_SECTIONS
from signoff.sharing.models import Channel, ShareKind
from signoff.sharing.rules import RecipientOption
from signoff.sharing.services import MAX_NOTES, Recipient

# URL slugs of the two ways to share: the kind's own name, spelled for a URL
# ("send_to_customer" -> "send-to-customer").
KIND_SLUGS = {kind.value.replace("_", "-"): kind for kind in ShareKind}
SLUG_OF = {kind: slug for slug, kind in KIND_SLUGS.items()}


@dataclass(frozen=True)
class ContactRow:
    """One contact's line in the dialog, with what is ticked."""

    option: RecipientOption
    selected: bool
    email: bool
    sms: bool
    primary: bool

    @property
    def contact(self):
        return self.option.contact


class ShareForm(forms.Form):
    recipient = forms.TypedMultipleChoiceField(coerce=int, required=False)
    # "<contact id>:<channel>" for each ticked channel box.
    channel = forms.MultipleChoiceField(required=False)
    primary = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    include_etr = forms.BooleanField(required=False, initial=True)
    # The service refuses longer notes, with its message; the textarea tells the browser.
    notes_max_length = MAX_NOTES
    notes = forms.CharField(required=False, widget=forms.Textarea)
    sections = forms.MultipleChoiceField(
        choices=PDF_SECTIONS, required=False, initial=PDF_SECTION_KEYS
    )

    def __init__(self, *args, kind: str, options: Sequence[RecipientOption], **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.options = list(options)
        ids = [(o.contact.pk, o.contact.name) for o in self.options]
        self.fields["recipient"].choices = ids
        self.fields["primary"].choices = [("", "—"), *ids]
        self.fields["channel"].choices = [
            (f"{o.contact.pk}:{channel}", channel)
            for o in self.options
            for channel in Channel.values
        ]
        self.service_errors: list[str] = []

    def service_kwargs(self) -> dict:
        """The arguments share_create takes, from the cleaned form."""
        data = self.cleaned_data
        ticked = set(data["channel"])
        selected = data["recipient"]
        if self.kind == ShareKind.SEND_TO_CUSTOMER:
            # Send to Customer goes by each contact's notification preference; the dialog only
            # shows which channels that means.
            recipients = [Recipient(contact_id=cid) for cid in selected]
        else:
            recipients = [
                Recipient(
                    contact_id=cid, channels=[c for c in Channel.values if f"{cid}:{c}" in ticked]
                )
                for cid in selected
            ]
        # The primary radio defaults to the customer's primary contact even when that contact
        # is not ticked; only a ticked contact can be the email's To.
        primary = data["primary"] if data["primary"] in selected else None
        return {
            "recipients": recipients,
            "primary_contact_id": primary,
            "include_etr": data["include_etr"],
            "notes": data["notes"],
            "sections": data["sections"],
        }

    def add_service_error(self, error: SignoffError) -> None:
        self.service_errors = list(dict.fromkeys([error.message, *error.fields.values()]))

    def rows(self) -> list[ContactRow]:
        """Each contact with its boxes ticked as posted, or as the contact prefers."""
        if self.is_bound:
            selected = {str(v) for v in self.data.getlist("recipient")}
            ticked = set(self.data.getlist("channel"))
            if self.kind == ShareKind.SEND_TO_CUSTOMER:
                ticked = {f"{o.contact.pk}:{c}" for o in self.options for c in o.defaults}
            primary = self.data.get("primary", "")
            return [
                ContactRow(
                    option=o,
                    selected=str(o.contact.pk) in selected,
                    email=f"{o.contact.pk}:email" in ticked,
                    sms=f"{o.contact.pk}:sms" in ticked,
                    primary=str(o.contact.pk) == primary,
                )
                for o in self.options
            ]
        primary_id = next((o.contact.pk for o in self.options if o.contact.is_primary), None)
        if primary_id is None and self.options:
            primary_id = self.options[0].contact.pk
        # Requesting approval starts with the primary ticked (seed 001: "the phone number that
        # populates is the primary customer's preferred number"); Send to Customer starts
        # empty so staff choose deliberately, and SHARE ESTIMATE waits for a choice (seed 000).
        preselect = self.kind == ShareKind.REQUEST_APPROVAL
        return [
            ContactRow(
                option=o,
                selected=preselect and o.contact.pk == primary_id and o.reachable,
                email=Channel.EMAIL in o.defaults,
                sms=Channel.SMS in o.defaults,
                primary=o.contact.pk == primary_id,
            )
            for o in self.options
        ]

    def sections_ticked(self) -> list[str]:
        if self.is_bound:
            return self.data.getlist("sections")
        return list(PDF_SECTION_KEYS)

    def include_etr_ticked(self) -> bool:
        return bool(self.data.get("include_etr")) if self.is_bound else True
