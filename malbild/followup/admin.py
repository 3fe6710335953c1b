from django.contrib import admin

from malbild.followup.models import InvestmentFollowUp, Period, Report, ReportComment


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "starts_on", "ends_on", "deadline", "reminded_on"]
    list_filter = ["organisation"]
    search_fields = ["name"]


class ReportCommentInline(admin.TabularInline):
    model = ReportComment
    extra = 0
    fields = ["kind", "author", "body", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["author"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["goal", "period", "unit", "state", "light", "decision", "late", "organisation"]
    list_filter = ["organisation", "state", "decision", "late"]
    raw_id_fields = [
        "period", "goal", "unit", "activities", "created_by", "updated_by", "ready_by",
        "approved_by",
    ]  # fmt: skip
    inlines = [ReportCommentInline]


@admin.register(InvestmentFollowUp)
class InvestmentFollowUpAdmin(admin.ModelAdmin):
    list_display = ["investment", "period", "spent", "gains", "organisation"]
    list_filter = ["organisation", "gains"]
    raw_id_fields = ["period", "investment", "updated_by"]
