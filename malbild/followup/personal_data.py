from malbild.accounts.personal_data import Part, register

register(
    Part("followup.periods", "followup.Period", ("created_by",)),
    Part(
        "followup.reports",
        "followup.Report",
        ("created_by", "updated_by", "ready_by", "approved_by"),
    ),
    Part("followup.report_comments", "followup.ReportComment", ("author",)),
    Part("followup.investment_followups", "followup.InvestmentFollowUp", ("updated_by",)),
    Part("followup.late_reminders", "followup.LateReminder", ("sent_by",)),
)
