"""The panels of the staff RO page besides its operations table: buttons above it, sections
under it. Each is a name, a slot, a template and a plain context function, imported here, so a
panel that cannot render fails the page (and the tests) instead of quietly disappearing.

The context function takes (request, actor, ro, rows) and returns the template's context, or
None to show nothing. Slots:
  "actions" — buttons above the operations table (Request Approval, Send to Customer, …); they
              sit inside the estimate block and are re-rendered with it
  "after"   — sections under the operations table (messages and links, versions and their
              PDFs, authorization summary)
Every panel is wrapped in an element with a stable id (`ro-part-<name>`) that
`GET ros/<ro_id>/parts/<name>/` renders again; see web/estimate.py for when that happens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from signoff.web.panels_authorization import (
    in_person_button,
    not_to_exceed_button,
    ro_authorization,
)
from signoff.web.panels_documents import preview_button, ro_versions_panel
from signoff.web.panels_sharing import ro_actions, ro_messages
from signoff.web.panels_status import ro_status_changes

PanelContext = Callable[..., dict[str, Any] | None]
SLOTS = ("actions", "after")


@dataclass(frozen=True)
class Panel:
    name: str
    slot: str
    template: str
    context: PanelContext


@dataclass(frozen=True)
class ShownPanel:
    """A panel with the context it renders with (None: the panel's element stays, empty)."""

    panel: Panel
    context: dict[str, Any] | None

    @property
    def name(self) -> str:
        return self.panel.name

    @property
    def slot(self) -> str:
        return self.panel.slot

    @property
    def template(self) -> str:
        return self.panel.template


RO_PANELS: dict[str, Panel] = {
    panel.name: panel
    for panel in (
        Panel("actions", "actions", "web/sharing/_ro_actions.html", ro_actions),
        Panel("in_person", "actions", "web/in_person/_in_person_button.html", in_person_button),
        Panel(
            "not_to_exceed",
            "actions",
            "web/in_person/_not_to_exceed_button.html",
            not_to_exceed_button,
        ),
        Panel("preview", "actions", "web/documents/_preview_button.html", preview_button),
        Panel("messages", "after", "web/sharing/_ro_messages.html", ro_messages),
        Panel("versions", "after", "web/documents/_ro_versions.html", ro_versions_panel),
        Panel("authorization", "after", "web/in_person/_ro_authorization.html", ro_authorization),
        Panel("status_history", "after", "web/status/_ro_status_history.html", ro_status_changes),
    )
}


def show(panel: Panel, *, request, actor, ro, rows) -> ShownPanel:
    return ShownPanel(panel, panel.context(request=request, actor=actor, ro=ro, rows=rows))


def render_context(*, slot: str, request, actor, ro, rows) -> list[ShownPanel]:
    """The panels of one slot, in order, each with its context."""
    return [
        show(panel, request=request, actor=actor, ro=ro, rows=rows)
        for panel in RO_PANELS.values()
        if panel.slot == slot
    ]
