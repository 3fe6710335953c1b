from django.contrib import admin

from malbild.surveys.models import Area, Bank, IndicatorLink, Result, Statement, Survey


class StatementInline(admin.TabularInline):
    model = Statement
    extra = 0
    fields = ["key", "area", "young", "middle", "older", "position"]


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "created_at"]
    inlines = [StatementInline]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["bank", "key", "name", "classic_area", "position"]


class ResultInline(admin.TabularInline):
    model = Result
    extra = 0
    fields = ("statement_key", "yes", "mostly", "not_really", "no", "dont_know", "agree")
    readonly_fields = fields


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    """Surveys and their results; the pupils' single answers are not shown here."""

    list_display = ["__str__", "organisation", "period", "status", "answer_count", "closes_on"]
    list_filter = ["status", "organisation"]
    readonly_fields = ["code", "period", "answer_count"]
    inlines = [ResultInline]


@admin.register(IndicatorLink)
class IndicatorLinkAdmin(admin.ModelAdmin):
    list_display = ["organisation", "statement_key", "indicator", "created_at"]
