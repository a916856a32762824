"""Status words on staff pages come from approvals.models.Status, not from lists of our own."""

from django.template import Context, Template

from signoff.approvals.models import DECIDABLE_STATUSES, DECISION_CHOICES, STATUS_VERBS, Status
from signoff.web.templatetags.signoff_web import status_label


def test_each_status_label_is_the_models_choice_label():
    for status in Status:
        assert status_label(status.value) == status.label
    assert status_label("no_such_status") == "no_such_status"


def test_the_decision_choices_are_the_decidable_statuses_with_their_verbs():
    assert [value for value, _verb in DECISION_CHOICES] == list(DECIDABLE_STATUSES)
    assert DECISION_CHOICES == [
        ("approved", "Approve"),
        ("deferred", "Defer"),
        ("declined", "Decline"),
    ]
    assert set(STATUS_VERBS) == set(DECIDABLE_STATUSES)


def test_the_decision_choices_tag_hands_the_template_the_models_choices():
    html = Template(
        "{% load signoff_web %}{% decision_choices as choices %}"
        "{% for value, verb in choices %}{{ value }}={{ verb }};{% endfor %}"
    ).render(Context())
    assert html == "approved=Approve;deferred=Defer;declined=Decline;"


def test_the_history_names_the_amount_by_the_decisions_status():
    from signoff.approvals.models import AMOUNT_LABELS, Decision, Status

    assert Decision(status=Status.APPROVED).amount_label == AMOUNT_LABELS[Status.APPROVED]
    assert Decision(status=Status.DECLINED).amount_label == "Amount declined"
    assert Decision(status=Status.PENDING).amount_label == "Amount"
