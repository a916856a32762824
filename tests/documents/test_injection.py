"""Data is never markup: typst, HTML and math syntax in any field print as the characters typed."""

import pytest

from signoff.approvals.versions import version_freeze
from signoff.documents.render import certificate_pdf, estimate_pdf
from tests.documents.reading import text
from tests.factories import priced_ro

HOSTILE = [
    "#set text(red)",
    "<script>alert(1)</script>",
    "Bracket ] closes",
    'Quote " inside',
    "Back\\slash \\",
    "Math $x^2$ here",
    '#import "/etc/passwd"',
    "@label and <label> // not a comment",
    "*bold* _emph_ `raw` = heading",
    "#{ panic() }",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_customer_name_prints_literally_in_the_estimate(shop, advisor, name):
    ro = priced_ro(
        shop, customer={"name": name}, customer_notes=name, operations=[{"title": name}]
    ).ro
    version, _ = version_freeze(repair_order=ro, user=advisor)
    printed = text(estimate_pdf(version=version, notes=name))
    assert printed.count(" ".join(name.split())) >= 4  # customer, operation, RO notes, share notes


def test_hostile_shop_and_contact_names_print_literally_on_the_certificate(shop, advisor):
    from signoff.approvals.chain import decision_append

    shop.name = "#set page(fill: red) Shop"
    shop.save()
    built = priced_ro(
        shop,
        customer={"name": "<b>Fleet</b> ] \\"},
        contacts=[{"name": 'Pat "$x$" #strong[me]', "is_primary": True}],
        operations=[{"title": "#emph[Brakes]"}],
    )
    ro, (contact,), (op,) = built.ro, built.contacts, built.operations
    customer = ro.customer
    version_freeze(repair_order=ro, user=advisor)
    decision_append(
        operation=op,
        status="approved",
        source="on_behalf",
        contact=contact,
        recorded_by=advisor,
        comment='#eval("1+1")',
    )
    printed = text(certificate_pdf(repair_order=ro))
    for literal in [shop.name, customer.name, contact.name, "#emph[Brakes]", '#eval("1+1")']:
        assert literal in printed
