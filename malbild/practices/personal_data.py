from malbild.accounts.personal_data import Part, register

register(
    Part("practices.practices", "practices.Practice", ("created_by",), exclude=("search_text",)),
    Part("practices.comments", "practices.PracticeComment", ("author",)),
    Part("practices.uses", "practices.PracticeUse", ("used_by",)),
)
