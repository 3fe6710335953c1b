"""The organisation's menu, grouped like the leadership cycle, in one list.

Each entry names the page it opens, the capability a person needs to see it (None: every
member) and the views it stands for (by the prefix of their names, for `aria-current`). A person
sees only the entries they may use, and a group only when it has one; the pages stay readable by
their address as the rules in `permissions` say. URL names are strings here, so the core knows
no app above it.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from malbild.tenants.permissions import Access


@dataclass(frozen=True)
class Entry:
    label: Promise
    url_name: str
    capability: str | None = None  # held for any part of the organisation
    views: tuple[str, ...] = ()  # view-name prefixes that mark the entry as the current page
    except_views: tuple[str, ...] = ()

    def is_current(self, view_name: str) -> bool:
        return view_name not in self.except_views and any(
            view_name.startswith(prefix) for prefix in self.views
        )


@dataclass(frozen=True)
class Group:
    key: str
    label: Promise
    entries: tuple[Entry, ...]


MENU: tuple[Group, ...] = (
    Group("riktning", _("Direction"), (
        Entry(_("Platform"), "platform:detail", views=("platform:",)),
        Entry(_("Målbild"), "targets:detail", views=("targets:",)),
        Entry(_("Goals"), "goals:chain", views=("goals:",)),
        Entry(_("Steering documents"), "steering:list", views=("steering:",)),
        Entry(_("Outlook"), "scanning:list", views=("scanning:",)),
    )),
    Group("genomforande", _("Carrying out"), (
        Entry(_("Action plans"), "plans:list", views=("plans:",)),
        Entry(_("Practices"), "practices:list", views=("practices:",)),
    )),
    Group("uppfoljning", _("Follow-up"), (
        Entry(_("Overview"), "dashboards:organisation",
              views=("dashboards:organisation", "dashboards:unit")),
        Entry(_("Follow-up"), "followup:periods", views=("followup:", "reports:")),
        Entry(_("Self-assessment"), "assessments:list", views=("assessments:",)),
        Entry(_("Pupil surveys"), "surveys:list", views=("surveys:",)),
        Entry(_("Indicators"), "indicators:list", "can_enter_measurements",
              views=("indicators:", "imports:compare")),
        Entry(_("Imports"), "imports:overview", "can_import_data",
              views=("imports:",), except_views=("imports:compare",)),
    )),
    Group("kommunikation", _("Communication"), (
        Entry(_("News"), "announcements:news", views=("announcements:",)),
        Entry(_("Success stories"), "stories:stories", views=("stories:",)),
        Entry(_("Feedback"), "feedback:feedback_queue", "can_moderate_feedback",
              views=("feedback:",)),
    )),
    Group("administration", pgettext_lazy("menu", "Administration"), (
        Entry(_("Units"), "tenants:unit_tree", "can_manage_units",
              views=("tenants:unit_t", "tenants:unit_d")),
        Entry(_("People"), "tenants:people", "can_manage_people", views=("tenants:people",)),
        Entry(_("Audit log"), "audit:event_list", "can_view_audit", views=("audit:",)),
    )),
)  # fmt: skip


@dataclass(frozen=True)
class Shown:
    """A group as one person sees it: the entries they may use, and whether it holds the
    current page."""

    group: Group
    entries: list[tuple[Entry, bool]]

    @property
    def current(self) -> bool:
        return any(current for _entry, current in self.entries)


def for_person(access: Access, view_name: str) -> list[Shown]:
    """The groups and entries `access` may use, each entry with whether it is the current page
    (no query: the memberships are loaded)."""
    shown = []
    for group in MENU:
        entries = [
            (entry, entry.is_current(view_name))
            for entry in group.entries
            if entry.capability is None or access.can(entry.capability, anywhere=True)
        ]
        if entries:
            shown.append(Shown(group, entries))
    return shown
