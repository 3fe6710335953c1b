"""Who reads which goal: every member reads every goal of the organisation (no territorial
thinking; changing one needs the capability for its unit, checked in the views). The public reads
active and closed goals, never drafts."""

from malbild.goals.models import Goal

# What the public sees of goals: active and closed ones, never drafts.
PUBLIC_STATUSES = (Goal.Status.ACTIVE, Goal.Status.CLOSED)
