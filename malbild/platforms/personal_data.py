from malbild.accounts.personal_data import Part, register

register(
    Part("platform.decisions", "platform.Decision", ("proposed_by", "made_by")),
    Part("platform.versions", "platform.PlatformVersion", ("created_by",)),
)
