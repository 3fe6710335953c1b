from django.contrib import admin

from malbild.assessments.models import (
    Area,
    AssessmentRound,
    MaturityModel,
    Participant,
    RoundResult,
    Statement,
)


class StatementInline(admin.TabularInline):
    model = Statement
    extra = 0
    fields = [
        "key", "area", "text_sv", "text_en", "next_step_sv", "next_step_en", "tags", "position",
    ]  # fmt: skip


@admin.register(MaturityModel)
class MaturityModelAdmin(admin.ModelAdmin):
    list_display = ["version", "title_sv", "title_en", "created_at"]
    inlines = [StatementInline]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["model", "key", "name_sv", "name_en", "foundation", "position"]


class ParticipantInline(admin.TabularInline):
    """Who takes part; their answers are theirs and are not shown here."""

    model = Participant
    extra = 0
    fields = ["user", "answered"]
    readonly_fields = ["answered"]
    raw_id_fields = ["user"]


class ResultInline(admin.TabularInline):
    model = RoundResult
    extra = 0
    fields = ["statement_key", "score", "spread", "answers"]
    readonly_fields = ["statement_key", "score", "spread", "answers"]


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "unit", "status", "is_latest", "is_public"]
    list_filter = ["status", "is_public"]
    raw_id_fields = ["unit", "started_by", "closed_by"]
    inlines = [ParticipantInline, ResultInline]
