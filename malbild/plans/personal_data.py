from malbild.accounts.personal_data import Part, register

register(
    Part("plans.activities", "plans.Activity", ("owner", "created_by")),
    Part("plans.activity_revisions", "plans.ActivityRevision", ("changed_by",)),
)
