"""Who may do what: capabilities derived from roles, in this one module.

Every member reads everything of the organisation except three things (DESIGN.md §4):
self-assessment rounds, follow-up reports not yet ready, and people's personal data, which are
readable inside the member's own subtree and by admins. Writing needs a capability *and* a
membership whose subtree contains the object's unit. Views declare the capability they need
(`member_view("can_manage_units")`) and check the object's unit with :meth:`Access.require`.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from malbild.tenants.models import Membership, Organisation, OrgUnit

Role = Membership.Role

CAPABILITIES: dict[str, frozenset[str]] = {
    # Create, rename, move and archive units.
    "can_manage_units": frozenset({Role.ADMIN, Role.UNIT_LEAD}),
    # Invite people and give or take roles (which roles: see GRANTABLE_ROLES).
    "can_manage_people": frozenset({Role.ADMIN, Role.UNIT_LEAD}),
    # Read people's e-mail addresses and the audit trail.
    "can_view_personal_data": frozenset({Role.ADMIN, Role.UNIT_LEAD}),
    "can_view_audit": frozenset({Role.ADMIN}),
    # Anonymise a person who has left (only people whose every role the admin may take away).
    "can_anonymise_people": frozenset({Role.ADMIN}),
    # Draft a new version of the common platform and record the decision that puts it in force.
    "can_edit_platform": frozenset({Role.ADMIN}),
    # Draft, edit and propose the målbild, its investments and focus areas; record its reviews.
    "can_draft_target_vision": frozenset({Role.ADMIN}),
    # Adopt a proposed målbild in Målbild, as an elected member.
    "can_adopt_target_vision": frozenset({Role.ELECTED}),
    # Record a body's decision on its behalf (the record says so).
    "can_record_decision": frozenset({Role.ADMIN}),
    # Take part in the discussion of a proposal: every member, politicians included.
    "can_comment": frozenset(Role.values),
    # Keep the steering documents and their dated changes.
    "can_edit_steering": frozenset({Role.ADMIN}),
    # Set goals for a unit (in one's subtree), break goals down, link evidence and indicators.
    "can_edit_goals": frozenset({Role.ADMIN, Role.UNIT_LEAD}),
    # Define indicators, their baselines and targets (for the whole organisation).
    "can_edit_indicators": frozenset({Role.ADMIN}),
    # Enter measurements for a unit in one's subtree.
    "can_enter_measurements": frozenset({Role.ADMIN, Role.UNIT_LEAD}),
    # Import measurement files (unit leads: only rows for units in their subtree); with a role
    # for the whole organisation also link Kolada, map units to Kolada ids and refresh from it.
    "can_import_data": frozenset({Role.ADMIN, Role.UNIT_LEAD}),
    # Omvärldsbevakning together: add signals, discuss and rate them, take or dismiss feed
    # candidates. Everyone who takes part in the work, politicians included; readers read.
    "can_contribute_signals": frozenset({Role.ELECTED, Role.ADMIN, Role.UNIT_LEAD, Role.STAFF}),
    # Change or move the state of anyone's signal (authors may always change their own).
    "can_curate_signals": frozenset({Role.ADMIN}),
    # Add, pause and fetch the organisation's RSS and Atom sources.
    "can_manage_feeds": frozenset({Role.ADMIN}),
    # Plan activities for a unit in one's subtree (choosing who is responsible), change their
    # title, dates, scope and responsible person, and their milestones.
    "can_edit_action_plans": frozenset({Role.ADMIN, Role.UNIT_LEAD}),
    # Add an activity to the action plan of a unit in one's subtree. Without
    # can_edit_action_plans for the unit (staff) the person adding it is its responsible person,
    # whatever the form sends (plans.views).
    "can_add_activities": frozenset({Role.ADMIN, Role.UNIT_LEAD, Role.STAFF}),
    # Update the status, progress and milestones of activities: with can_edit_action_plans any
    # in one's subtree; staff only the activities they are responsible for (plans.access checks
    # the owner), which includes those they added themselves.
    "can_update_activities": frozenset({Role.ADMIN, Role.UNIT_LEAD, Role.STAFF}),
    # Define follow-up periods, approve or send back reports, record what investments achieved.
    "can_manage_followup": frozenset({Role.ADMIN}),
    # Write the follow-up reports of goals of units in one's subtree and mark them ready.
    "can_report_followup": frozenset({Role.ADMIN, Role.UNIT_LEAD}),
    # Write the organisation's practices (drafts) for units in one's subtree, and import them.
    "can_edit_practices": frozenset({Role.ADMIN, Role.UNIT_LEAD}),
    # Share a practice with every organisation on the installation, make it public, withdraw it.
    "can_publish_practices": frozenset({Role.ADMIN}),
    # Start self-assessment rounds for a unit in one's subtree, invite its staff, close them and
    # decide whether the anonymised summary is shared (answering needs only an invitation).
    "can_run_assessments": frozenset({Role.ADMIN, Role.UNIT_LEAD}),
    # Open pupil surveys (Elevrösten) for a unit in one's subtree, show their code, close them,
    # read or hide the pupils' open answers and choose which results and texts are public.
    "can_run_surveys": frozenset({Role.ADMIN, Role.UNIT_LEAD, Role.STAFF}),
    # The municipality's picture of every unit's latest self-assessment, and its Excel export.
    "can_view_assessment_overview": frozenset({Role.ADMIN}),
    # Write, publish and unpublish announcements: admins to anyone, unit leads to their subtree.
    "can_publish_announcements": frozenset({Role.ADMIN, Role.UNIT_LEAD}),
    # Write success stories and approve them (also those pupils and guardians send in) for
    # publication, and withdraw a quote or image whose consent is withdrawn: unit leads in
    # their subtree, admins everywhere.
    "can_publish_stories": frozenset({Role.ADMIN, Role.UNIT_LEAD}),
    # Moderate and answer the public's feedback, and turn it into a signal.
    "can_moderate_feedback": frozenset({Role.ADMIN}),
    # Set the age from which pupils consent for themselves to their words and pictures.
    "can_edit_consent_age": frozenset({Role.ADMIN}),
    # Have a follow-up document (PDF and Excel) generated for a unit in one's subtree: the
    # administration for the nämnd, unit leads for their own units, elected members.
    "can_generate_reports": frozenset({Role.ADMIN, Role.UNIT_LEAD, Role.ELECTED}),
    # Follow the getting-started checklist for the whole organisation and put its box away (each
    # step still needs its own capability: units, people, platform, målbild, indicators …).
    "can_set_up_organisation": frozenset({Role.ADMIN}),
}

# The roles each role may give to others, within its own subtree.
GRANTABLE_ROLES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Role.values),
    Role.UNIT_LEAD: frozenset({Role.STAFF, Role.VIEWER}),
}


def roles_with(capability: str) -> frozenset[str]:
    try:
        return CAPABILITIES[capability]
    except KeyError:
        raise ValueError(f"Unknown capability {capability!r}") from None


@dataclass
class Access:
    """What one person may do in one organisation, from their memberships there."""

    organisation: Organisation
    memberships: list[Membership] = field(default_factory=list)

    @property
    def is_member(self) -> bool:
        return bool(self.memberships)

    @property
    def roles(self) -> set[str]:
        return {m.role for m in self.memberships}

    def can(self, capability: str, unit: OrgUnit | None = None, *, anywhere: bool = False) -> bool:
        """Whether a membership with the capability covers `unit`.

        `unit=None` means something that belongs to the whole organisation, which needs a role
        without a unit limit; `anywhere=True` asks whether the capability is held for any part.
        """
        allowed = roles_with(capability)
        return any(m.role in allowed and (anywhere or m.covers(unit)) for m in self.memberships)

    def require(self, capability: str, unit: OrgUnit | None = None) -> None:
        """Raise PermissionDenied with a Swedish explanation unless :meth:`can`."""
        if not self.can(capability, unit):
            raise PermissionDenied(explain(capability, unit))

    def subtrees(self, capability: str) -> list[OrgUnit] | None:
        """The units under which the capability is held; None when it covers everything."""
        allowed = roles_with(capability)
        units = []
        for m in self.memberships:
            if m.role in allowed:
                if m.unit is None:
                    return None
                units.append(m.unit)
        return units

    def own_work_subtrees(self) -> list[OrgUnit] | None:
        """The units whose unfinished work (draft follow-up reports, self-assessment rounds) the
        person reads: those their roles are limited to; None for an admin of everything. A
        whole-organisation role other than admin (an elected member, a reader) is not "inside
        the subtree" (DESIGN.md §4): such work is the unit's own until it says it is ready."""
        units: list[OrgUnit] = []
        for membership in self.memberships:
            if membership.unit is None:
                if membership.role == Membership.Role.ADMIN:
                    return None
                continue
            units.append(membership.unit)
        return units

    def can_grant(self, role: str, unit: OrgUnit | None) -> bool:
        return any(
            role in GRANTABLE_ROLES.get(m.role, frozenset()) and m.covers(unit)
            for m in self.memberships
        )


def explain(capability: str, unit: OrgUnit | None = None) -> str:
    labels = [str(label) for value, label in Role.choices if value in roles_with(capability)]
    roles = " / ".join(labels)
    if unit is None:
        return str(
            format_lazy(
                _("Only people with the role {roles} for the whole organisation may do this."),
                roles=roles,
            )
        )
    return str(
        format_lazy(
            _("Only people with the role {roles} for {unit} may do this."),
            roles=roles,
            unit=unit.name,
        )
    )
