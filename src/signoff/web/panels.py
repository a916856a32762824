"""Panels other apps add to the staff RO page, so the page's view does not know every feature.

Each panel is (slot, template, context function). The function takes (request, actor, ro,
rows) and returns the template's context, or None to hide the panel. Slots:
  "actions" — buttons above the operations table (Request Approval, Send to Customer, …)
  "after"   — sections under the operations table (messages, links, authorization summary, …)
The functions are imported lazily so an app can be worked on without breaking the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class Panel:
    slot: str
    template: str
    context: str  # dotted path to the context function


RO_PANELS: list[Panel] = [
    Panel("actions", "web/sharing/_ro_actions.html", "signoff.web.panels_sharing.ro_actions"),
    Panel("after", "web/sharing/_ro_messages.html", "signoff.web.panels_sharing.ro_messages"),
    Panel(
        "after",
        "web/in_person/_ro_authorization.html",
        "signoff.web.panels_authorization.ro_authorization",
    ),
    Panel(
        "actions",
        "web/in_person/_in_person_button.html",
        "signoff.web.panels_authorization.in_person_button",
    ),
]


def render_context(*, slot: str, request, actor, ro, rows) -> list[tuple[str, dict]]:
    """The (template, context) pairs of the panels in one slot that have something to show."""
    out = []
    for panel in RO_PANELS:
        if panel.slot != slot:
            continue
        module_name, func_name = panel.context.rsplit(".", 1)
        try:
            func = getattr(import_module(module_name), func_name)
        except (ImportError, AttributeError):
            continue
        ctx = func(request=request, actor=actor, ro=ro, rows=rows)
        if ctx is not None:
            out.append((panel.template, ctx))
    return out
