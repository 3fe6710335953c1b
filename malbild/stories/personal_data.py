from malbild.accounts.personal_data import Part, register

# The part keeps the name it had in the communication app: the download's sections are stable.
register(
    Part("communication.stories", "stories.Story", ("created_by", "reviewed_by")),
)
