"""Panels: a page of a lower app showing what an app above it knows about the page's object.

The målbild's page shows the signals from the outside world behind it, and an activity's page
too; a steering document's page shows the versions of the målbild that cite it. The lower app
cannot import the app above (docs/architecture.md, "Layers"), so it declares a place for panels
in its `signals.py`, beside its signals, and renders whatever is connected there:

    # targets/signals.py
    version_panels = Panels()  # arguments: request, version

    # targets/views.py
    "panels": signals.version_panels.render(TargetVision, request=request, version=version),

    # scanning/apps.py, in ready()
    targets.version_panels.connect(
        views.signals_behind_version, dispatch_uid="scanning.signals_behind_version"
    )

    {% for panel in panels %}{{ panel.safe }}{% endfor %}

A panel is a function of the keyword arguments that returns HTML (a template rendered with
`render_to_string`), or "" when it has nothing to show; text that is not marked safe is escaped.
On a cacheable public page a panel returns a `Panel` that also says when what it shows last
changed, for the page's Last-Modified (its HTML goes into the page's ETag).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.dispatch import Signal
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Panel:
    html: str
    changed_at: datetime | None = None

    @property
    def safe(self) -> SafeString:
        return conditional_escape(self.html)


class Panels(Signal):
    """A place on a page where apps above add their panels, in the order they were connected."""

    def render(self, sender: Any, **arguments: Any) -> list[Panel]:
        found = []
        for _receiver, answer in self.send(sender, **arguments):
            panel = answer if isinstance(answer, Panel) else Panel(answer or "")
            if panel.html:
                found.append(panel)
        return found
