from django.contrib import admin

from malbild.targets.models import Comment, FocusArea, Investment, Review, TargetVision


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "position"]
    list_filter = ["organisation"]
    search_fields = ["name"]


class InvestmentInline(admin.TabularInline):
    model = Investment
    extra = 0
    fields = ["title", "amount_per_year", "start_year", "end_year", "position"]


@admin.register(TargetVision)
class TargetVisionAdmin(admin.ModelAdmin):
    list_display = ["title", "number", "organisation", "status", "review_date"]
    list_filter = ["organisation", "status"]
    search_fields = ["title"]
    raw_id_fields = ["based_on", "decision", "created_by", "proposed_by"]
    inlines = [InvestmentInline]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["target_vision", "author", "created_at"]
    list_filter = ["organisation"]
    raw_id_fields = ["target_vision", "author"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["target_vision", "outcome", "reviewed_by", "reviewed_at"]
    list_filter = ["organisation", "outcome"]
    raw_id_fields = ["target_vision", "new_draft", "reviewed_by"]
