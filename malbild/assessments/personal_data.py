"""Self-assessment rounds the person ran, took part in, and their own answers."""

from typing import Any

from malbild.accounts.models import User
from malbild.accounts.personal_data import Part, register
from malbild.assessments.models import Answer


def answers(user: User) -> Any:
    return Answer.objects.filter(participant__user=user)


register(
    Part("assessments.rounds", "assessments.AssessmentRound", ("started_by", "closed_by")),
    Part("assessments.participations", "assessments.Participant", ("user",)),
    Part("assessments.answers", "assessments.Answer", collect=answers),
    Part("assessments.adoptions", "assessments.Adoption", ("adopted_by",)),
)
