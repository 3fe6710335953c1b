from malbild.accounts.models import User
from malbild.accounts.personal_data import Part, on_anonymise, register
from malbild.communication.models import Subscription

register(
    Part("communication.announcements", "communication.Announcement", ("created_by",)),
    Part(
        "communication.subscriptions",
        "communication.Subscription",
        ("user",),
        exclude=("feed_token_hash",),  # a secret, even hashed
    ),
    Part("communication.stories", "communication.Story", ("created_by", "reviewed_by")),
    Part("communication.feedback_answered", "communication.Feedback", ("moderated_by",)),
)


@on_anonymise("communication.subscriptions")
def end_subscriptions(user: User) -> int:
    """The personal feed addresses stop working and no digest is sent."""
    deleted, _ = Subscription.objects.filter(user=user).delete()
    return deleted
