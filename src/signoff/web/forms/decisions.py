"""Staff forms of the approvals app. They only parse; the services decide what is valid."""

from __future__ import annotations

from django import forms

from signoff.approvals.models import DECISION_CHOICES, ApprovalReason, Decision, ReasonKind
from signoff.core.validation import max_length_of
from signoff.web.forms import IdField


class DecisionForm(forms.Form):
    """Approve, Defer or Decline on the customer's behalf: the pop-up and its no-JS page."""

    comment_max_length = max_length_of(Decision, "comment")

    status = forms.ChoiceField(
        label="Decision",
        required=False,
        choices=[("", "Choose…"), *DECISION_CHOICES],
    )
    reason = IdField(label="Reason", required=False)
    contact = IdField(label="Approved by", required=False)
    phone_number = forms.CharField(label="Number called", required=False)
    comment = forms.CharField(label="Additional comments", required=False)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "status": data["status"],
            "reason_id": data["reason"],
            "contact_id": data["contact"],
            "phone_number": data["phone_number"],
            "comment": data["comment"],
        }


class ReasonForm(forms.Form):
    # The reason list's inputs (new and existing reasons) tell the browser this length.
    label_max_length = max_length_of(ApprovalReason, "label")

    label = forms.CharField(label="Reason", required=False)
    kind = forms.ChoiceField(label="Kind", choices=ReasonKind.choices, required=False)
