from malbild.accounts.personal_data import Part, register

register(
    Part(
        "imports.runs",
        "imports.ImportRun",
        ("started_by",),
        # The file's rows and their errors are the units' figures, not the person's data.
        exclude=("errors", "columns", "preview", "details"),
    ),
)
