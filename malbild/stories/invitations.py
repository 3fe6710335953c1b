"""When a goal reaches its target, the people who own it are invited to tell the story.

"Reached" follows DESIGN.md §3: a goal's progress runs from its baseline to its last target and
is capped at 100 %, so an active goal at 100 % has reached its target. The hourly task
(`tasks.invite_storytellers`) looks for such goals and, once per goal and target (a
`StoryInvitation` records it), invites the unit leads of the goal's unit and the person
responsible for it: a notice in their personal feed and on the stories page, and an e-mail in
their language unless they have turned off mail from the organisation (the weekly digest's
choice). Running it again, or after the next measurement, sends nothing new.
"""

import hashlib
from collections import defaultdict
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from malbild import audit
from malbild.accounts.tasks import send_email
from malbild.announcements.feeds import Notice
from malbild.announcements.models import Subscription
from malbild.goals.models import Goal, GoalIndicator
from malbild.indicators.models import IndicatorTarget
from malbild.stories.models import StoryInvitation
from malbild.tenants.models import Membership, Organisation

REACHED = 100
IN_FEED = 10  # invitations at the top of a person's personal feed


def reached_goals() -> QuerySet[Goal]:
    return Goal.objects.filter(
        status=Goal.Status.ACTIVE, progress__gte=REACHED, unit__archived_at__isnull=True
    )


def target_keys(goals: list[Goal]) -> dict[int, str]:
    """A fingerprint of each goal's final indicator targets (two queries for all the goals), so
    that a raised target reached again is a new occasion. A goal measured only through the
    goals below it has the fingerprint of no targets."""
    links = GoalIndicator.objects.filter(goal__in=goals).values_list("goal_id", "indicator_id")
    indicators: dict[int, list[int]] = defaultdict(list)
    for goal_id, indicator_id in links:
        indicators[goal_id].append(indicator_id)
    final: dict[int, tuple[str, str]] = {}
    wanted = {i for ids in indicators.values() for i in ids}
    for target in IndicatorTarget.objects.filter(indicator_id__in=wanted).order_by(
        "indicator_id", "position"
    ):
        final[target.indicator_id] = (target.period, str(target.value.normalize()))
    keys = {}
    for goal in goals:
        parts = sorted(f"{i}:{final.get(i)}" for i in indicators.get(goal.pk, []))
        keys[goal.pk] = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return keys


def invitees(goal: Goal) -> list[Any]:
    """The active people who lead the goal's unit, and the person responsible for it if they
    still have a role in the organisation."""
    found = {
        m.user_id: m.user
        for m in Membership.objects.filter(
            Q(role=Membership.Role.UNIT_LEAD, unit=goal.unit_id) | Q(user=goal.owner_id),
            user__is_active=True,
        ).select_related("user")
    }
    return sorted(found.values(), key=lambda user: user.pk)


def invite(organisation: Organisation) -> int:
    """Invite the owners of every goal of the organisation (in scope) that has newly reached its
    target; returns how many goals were announced."""
    goals = list(reached_goals().select_related("unit"))
    if not goals:
        return 0
    keys = target_keys(goals)
    done = set(StoryInvitation.objects.filter(goal__in=goals).values_list("goal_id", "target_key"))
    invited = 0
    for goal in goals:
        if (goal.pk, keys[goal.pk]) in done:
            continue
        if _invite(organisation, goal, keys[goal.pk]):
            invited += 1
    return invited


def _invite(organisation: Organisation, goal: Goal, key: str) -> bool:
    people = invitees(goal)
    try:
        with transaction.atomic():
            invitation = StoryInvitation.objects.create(
                organisation=organisation, goal=goal, target_key=key, recipients=len(people)
            )
            audit.record(
                "communication.story_invited",
                target=goal,
                summary=goal.title,
                after={"invitation": invitation.pk, "people": [p.pk for p in people]},
                organisation=organisation,
            )
            no_mail = set(
                Subscription.objects.filter(user__in=people, digest=False).values_list(
                    "user_id", flat=True
                )
            )
            for person in people:
                if person.pk not in no_mail and person.email:
                    transaction.on_commit(partial(_send, organisation, goal, person), robust=True)
    except IntegrityError:  # another run recorded it first
        return False
    return True


def _send(organisation: Organisation, goal: Goal, person: Any) -> None:
    context = {"organisation": organisation, "goal": goal, "person": person}
    with translation.override(person.language):
        subject = loader.render_to_string("stories/email/invitation_subject.txt", context)
        body = loader.render_to_string("stories/email/invitation.txt", context)
    send_email.enqueue(to=[person.email], subject=" ".join(subject.split()), body=body)


def for_person(user: Any, memberships: list[Membership]) -> QuerySet[StoryInvitation]:
    """The invitations addressed to a person: those for goals of a unit they lead, and for goals
    they are responsible for (in scope), newest first."""
    led = [m.unit_id for m in memberships if m.role == Membership.Role.UNIT_LEAD and m.unit_id]
    return (
        StoryInvitation.objects.filter(Q(goal__unit_id__in=led) | Q(goal__owner=user))
        .select_related("goal", "goal__unit")
        .order_by("-created_at", "-id")
    )


def as_notices(
    *,
    request: HttpRequest,
    organisation: Organisation,
    user: Any,
    memberships: list[Membership],
    **_signal: Any,
) -> list[Notice]:
    """The person's invitations, for the top of their personal Atom feed, in their language
    (`announcements.signals.personal_notices`, inside the organisation's scope)."""
    invited = list(for_person(user, memberships)[:IN_FEED])
    write = request.build_absolute_uri(reverse("stories:story_create", args=[organisation.slug]))
    with translation.override(user.language):
        return [
            Notice(
                title=_("A goal has been reached: %(goal)s. Tell the story!")
                % {"goal": invitation.goal.title},
                link=f"{write}?mal={invitation.goal_id}",
                description=_(
                    "The goal %(goal)s of %(unit)s has reached its target. Tell the story of how "
                    "you got there, best with the pupils' own words."
                )
                % {"goal": invitation.goal.title, "unit": invitation.goal.unit.name},
                published=invitation.created_at,
            )
            for invitation in invited
        ]
