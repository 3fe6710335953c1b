from malbild.accounts.personal_data import Part, register

register(
    Part("goals.goals", "goals.Goal", ("owner", "created_by")),
    Part("goals.evidence", "goals.Evidence", ("added_by",)),
)
