from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from malbild.audit.models import AuditEvent
from malbild.tenants.models import Organisation

# What people read for the stable action codes that services record. A code missing here is
# shown as itself, so a new action is never hidden.
ACTION_LABELS: dict[str, Promise] = {
    "accounts.login": _("Logged in"),
    "accounts.login_failed": _("Failed login"),
    "accounts.logout": _("Logged out"),
    "accounts.profile_changed": _("Profile changed"),
    "accounts.language_changed": _("Language changed"),
    "accounts.password_changed": _("Password changed"),
    "accounts.password_reset": _("Password reset"),
    "accounts.password_reset_requested": _("Password reset requested"),
    "accounts.sso_person_created": _("Account created at login with the municipality's account"),
    "accounts.sso_linked": _("Account linked to the municipality's login service"),
    "accounts.sso_refused": _("Login with the municipality's account refused"),
    "accounts.sso_unlinked": _("Account unlinked from the municipality's login service"),
    "accounts.data_exported": _("Own data downloaded"),
    "accounts.person_anonymised": _("Person anonymised"),
    "audit.events_pruned": _("Old audit events removed"),
    "tenants.unit_created": _("Unit created"),
    "tenants.unit_changed": _("Unit changed"),
    "tenants.unit_moved": _("Unit moved"),
    "tenants.unit_archived": _("Unit archived"),
    "tenants.unit_restored": _("Unit restored"),
    "tenants.role_given": _("Role given"),
    "tenants.role_taken": _("Role taken away"),
    "tenants.person_invited": _("Person invited"),
    "tenants.invitation_accepted": _("Invitation accepted"),
    "tenants.invitation_withdrawn": _("Invitation withdrawn"),
    "tenants.organisation_created": _("Organisation created"),
    "tenants.sso_domains_changed": _("E-mail domains for single sign-on changed"),
    "tenants.units_created": _("Units created together"),
    "tenants.people_invited": _("People invited from a file"),
    "accounts.people_registered": _("Roles at first login registered from a file"),
    "onboarding.file_checked": _("File of units or people checked"),
    "onboarding.import_failed": _("File of units or people not brought in, nothing changed"),
    "onboarding.box_hidden": _("Getting started put away from the start page"),
    "onboarding.box_shown": _("Getting started brought back to the start page"),
    "platform.draft_started": _("Platform draft started"),
    "platform.draft_saved": _("Platform draft saved"),
    "platform.adopted": _("Platform put in force"),
    "targets.draft_started": _("Målbild draft started"),
    "targets.draft_saved": _("Målbild draft saved"),
    "targets.investment_saved": _("Investment saved"),
    "targets.investment_removed": _("Investment removed"),
    "targets.focus_area_saved": _("Focus area saved"),
    "targets.proposed": _("Målbild proposed"),
    "targets.withdrawn": _("Proposal withdrawn"),
    "targets.adopted": _("Målbild adopted"),
    "targets.commented": _("Commented on the målbild"),
    "targets.reviewed": _("Målbild reviewed"),
    "targets.flagged_for_review": _("Målbild flagged for review"),
    "targets.review_reminder_sent": _("Review reminder sent"),
    "steering.document_saved": _("Steering document saved"),
    "steering.change_added": _("Change to a steering document added"),
    "goals.created": _("Goal set"),
    "goals.changed": _("Goal changed"),
    "goals.activated": _("Goal made active"),
    "goals.closed": _("Goal closed"),
    "goals.evidence_added": _("Evidence added to a goal"),
    "goals.evidence_removed": _("Evidence removed from a goal"),
    "goals.indicator_linked": _("Indicator linked to a goal"),
    "goals.indicator_changed": _("Weight of a goal's indicator changed"),
    "goals.indicator_unlinked": _("Indicator unlinked from a goal"),
    "goals.contribution_added": _("Contribution to a goal added"),
    "goals.contribution_removed": _("Contribution to a goal removed"),
    "plans.activity_created": _("Activity planned"),
    "plans.activity_changed": _("Activity changed"),
    "plans.status_updated": _("Status of an activity updated"),
    "plans.milestone_added": _("Milestone added"),
    "plans.milestone_changed": _("Milestone changed"),
    "plans.milestone_done": _("Milestone marked done"),
    "followup.period_created": _("Follow-up period created"),
    "followup.period_changed": _("Follow-up period changed"),
    "followup.report_saved": _("Follow-up report saved"),
    "followup.reported_late": _("Follow-up reported after the deadline"),
    "followup.report_ready": _("Follow-up report marked ready"),
    "followup.report_approved": _("Follow-up report approved"),
    "followup.report_sent_back": _("Follow-up report sent back"),
    "followup.commented": _("Commented on a follow-up report"),
    "followup.investment_saved": _("Follow-up of an investment saved"),
    "followup.reminder_sent": _("Follow-up reminder sent"),
    "followup.late_reminder_sent": _("Late unit reminded of its follow-up reports"),
    "demo.followup_created": _("Demo follow-up created"),
    "indicators.indicator_saved": _("Indicator saved"),
    "indicators.target_saved": _("Indicator target added"),
    "indicators.target_removed": _("Indicator target removed"),
    "indicators.measurement_saved": _("Measurement saved"),
    "imports.file_checked": _("Measurement file checked"),
    "imports.measurements_imported": _("Measurements imported from a file"),
    "imports.import_failed": _("Import failed, nothing imported"),
    "imports.kolada_refreshed": _("Figures fetched from Kolada"),
    "imports.kolada_linked": _("Indicator linked to Kolada"),
    "imports.kolada_mapped": _("Kolada municipality or unit chosen"),
    "imports.group_saved": _("Comparison group saved"),
    "imports.group_removed": _("Comparison group removed"),
    "demo.organisation_created": _("Demo organisation created"),
    "demo.person_created": _("Demo person created"),
    "demo.role_given": _("Demo role given"),
    "demo.strategy_created": _("Demo platform and målbild created"),
    "demo.national_seeded": _("National test data created"),
    "demo.goals_created": _("Demo goals and indicators created"),
    "demo.plans_created": _("Demo action plans created"),
    "scanning.signal_added": _("Signal added"),
    "scanning.signal_changed": _("Signal changed"),
    "scanning.state_changed": _("State of a signal changed"),
    "scanning.commented": _("Commented on a signal"),
    "scanning.rated": _("Signal rated"),
    "scanning.linked": _("Signal linked to what it led to"),
    "scanning.unlinked": _("Link from a signal removed"),
    "scanning.source_added": _("Feed source added"),
    "scanning.source_paused": _("Feed source paused"),
    "scanning.source_resumed": _("Feed source resumed"),
    "scanning.fetch_requested": _("Fetch of a feed source requested"),
    "scanning.source_fetched": _("Feed source fetched with new items"),
    "scanning.source_failed": _("Feed source could not be fetched"),
    "scanning.candidate_dismissed": _("Feed candidate dismissed"),
    "practices.created": _("Practice written"),
    "practices.changed": _("Practice changed"),
    "practices.shared": _("Practice shared with every organisation"),
    "practices.made_public": _("Practice made public"),
    "practices.withdrawn": _("Practice made a draft again"),
    "practices.commented": _("Comment on a practice"),
    "practices.used": _("Practice used in the own work"),
    "practices.import_checked": _("Practices checked for import"),
    "practices.imported": _("Practices imported"),
    "communication.announcement_created": _("Announcement drafted"),
    "communication.announcement_drafted": _("Announcement drafted automatically"),
    "communication.announcement_changed": _("Announcement changed"),
    "communication.announcement_published": _("Announcement published"),
    "communication.announcement_unpublished": _("Announcement unpublished"),
    "communication.announcement_deleted": _("Draft announcement deleted"),
    "communication.feed_token_created": _("Personal feed address created"),
    "communication.feed_token_revoked": _("Personal feed address revoked"),
    "communication.digest_on": _("Weekly digest turned on"),
    "communication.digest_off": _("Weekly digest turned off"),
    "communication.digest_sent": _("Weekly digests sent"),
    "communication.story_created": _("Success story drafted"),
    "communication.story_changed": _("Success story changed"),
    "communication.story_submitted": _("Success story sent in by a pupil or guardian"),
    "communication.story_published": _("Success story approved and published"),
    "communication.story_rejected": _("Success story not published"),
    "communication.quote_added": _("Quote added to a success story"),
    "communication.quote_withdrawn": _("Quote removed after withdrawn consent"),
    "communication.image_added": _("Image added to a success story"),
    "communication.image_withdrawn": _("Image removed after withdrawn consent"),
    "communication.feedback_received": _("Feedback received from the public"),
    "communication.feedback_answered": _("Feedback published with an answer"),
    "communication.feedback_rejected": _("Feedback rejected"),
    "communication.feedback_signal": _("Feedback made into a signal"),
    "communication.story_highlighted": _("Success story highlighted"),
    "communication.story_unhighlighted": _("Success story no longer highlighted"),
    "communication.story_invited": _("Invited to tell the story of a goal that reached its target"),
    "communication.consent_age_changed": _("Age of consent changed"),
    "reports.requested": _("Follow-up document requested"),
    "reports.generated": _("Follow-up document generated"),
    "reports.failed": _("Follow-up document failed"),
    "reports.retried": _("Follow-up document generated again after a failure"),
    "reports.rerendered": _("Follow-up document rendered again without a withdrawn quote or image"),
    "demo.signals_created": _("Demo signals and feed sources created"),
    "assessments.round_started": _("Self-assessment round started"),
    "assessments.participant_removed": _("Taken out of a self-assessment round"),
    "assessments.answered": _("Self-assessment answered"),
    "assessments.round_closed": _("Self-assessment round closed"),
    "assessments.sharing_changed": _("Sharing of a self-assessment summary changed"),
    "assessments.suggestion_adopted": _("Self-assessment suggestion adopted"),
    "assessments.demo_loaded": _("Self-assessment demo loaded"),
    "api.token_created": _("API key created"),
    "api.token_revoked": _("API key revoked"),
    "api.measurements_written": _("Measurements written through the API"),
    "surveys.opened": _("Pupil survey opened"),
    "surveys.closed": _("Pupil survey closed"),
    "surveys.measurements_entered": _("Measurements entered from a pupil survey"),
    "surveys.publicity_changed": _("Pupil survey results shown or hidden publicly"),
    "surveys.text_read": _("Pupil's open answer read"),
    "surveys.text_hide": _("Pupil's open answer hidden"),
    "surveys.text_choose": _("Pupil's open answer chosen for the public pages"),
    "surveys.indicator_linked": _("Pupil survey statement linked to an indicator"),
    "surveys.answers_removed": _("Pupil survey answers removed after the retention"),
    "surveys.demo_loaded": _("Pupil survey demo loaded"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


# Far enough apart for any real search, and near enough that a day's bounds in the time zone
# never overflow Python's datetime (year 1 to 9999).
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
DATE_VALIDATORS = [MinValueValidator(EARLIEST), MaxValueValidator(LATEST)]


def _date_input() -> forms.DateInput:
    # ISO is what a browser's date picker sends, and what it needs back to show the value.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EventFilterForm(forms.Form):
    """The filters of the audit log, read from the query string. Every field may be left empty."""

    action = forms.ChoiceField(label=_("Action"), required=False)
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=150,
        help_text=_("Part of a name or an e-mail address."),
    )
    date_from = forms.DateField(
        label=_("From date"), required=False, validators=DATE_VALIDATORS, widget=_date_input()
    )
    date_to = forms.DateField(
        label=_("To date"), required=False, validators=DATE_VALIDATORS, widget=_date_input()
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        """Runs one query: the actions this organisation's events have."""
        super().__init__(*args, **kwargs)
        codes = (
            AuditEvent.objects.filter(organisation=organisation)
            .order_by()
            .values_list("action", flat=True)
            .distinct()
        )
        choices = sorted(((code, action_label(code)) for code in codes), key=lambda c: c[1])
        action = cast(forms.ChoiceField, self.fields["action"])
        action.choices = [("", _("All actions")), *choices]

    def clean_person(self) -> str:
        return " ".join(self.cleaned_data["person"].split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to", _("The to date is before the from date. Choose a later to date.")
            )
        return cleaned

    @property
    def is_filtering(self) -> bool:
        """Whether a valid form narrows the list down."""
        return any(self.cleaned_data.get(name) for name in self.fields)

    def filter(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """The events that match; call only after :meth:`is_valid` said yes."""
        data = self.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["person"]:
            events = events.filter(_person_matches(data["person"]))
        if data["date_from"]:
            events = events.filter(created_at__gte=_start_of(data["date_from"]))
        if data["date_to"]:
            events = events.filter(created_at__lt=_start_of(data["date_to"] + timedelta(days=1)))
        return events


def _person_matches(text: str) -> Q:
    # SQLite's LIKE folds the case of ASCII letters only: the variants let "åsa" find "Åsa"
    # there too. PostgreSQL folds every letter and needs only the text itself.
    query = Q(actor__email__icontains=text.lower())
    for variant in {text, text.lower(), text.title()}:
        query |= Q(actor__name__icontains=variant)
    return query


def _start_of(day: date) -> datetime:
    """Midnight at the start of `day` in the current time zone (Europe/Stockholm), the zone in
    which the log shows its times, so that a day in the filter is the day on the page."""
    return timezone.make_aware(datetime.combine(day, time.min))
