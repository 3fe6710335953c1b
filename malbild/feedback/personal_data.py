from malbild.accounts.personal_data import Part, register

# The part keeps the name it had in the communication app: the download's sections are stable.
register(
    Part("communication.feedback_answered", "feedback.Feedback", ("moderated_by",)),
)
