"""The surveys a person opened or closed. The pupils' answers name nobody, so they are no one's
personal data (docs/gdpr.md)."""

from malbild.accounts.personal_data import Part, register

register(
    Part("surveys.surveys", "surveys.Survey", ("opened_by", "closed_by")),
    Part("surveys.indicator_links", "surveys.IndicatorLink", ("created_by",)),
)
