from malbild.accounts.personal_data import Part, register

register(
    Part("targets.target_visions", "targets.TargetVision", ("created_by", "proposed_by")),
    Part("targets.comments", "targets.Comment", ("author",)),
    Part("targets.reviews", "targets.Review", ("reviewed_by",)),
)
