from malbild.accounts.personal_data import Part, register

register(
    # The documents' frozen contents are copies of the organisation's data, not the person's.
    Part(
        "reports.documents",
        "reports.GeneratedReport",
        ("requested_by",),
        exclude=("contents", "quote_ids", "image_ids"),
    ),
)
