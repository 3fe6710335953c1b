from malbild.accounts.models import User
from malbild.accounts.personal_data import Part, on_anonymise, register
from malbild.announcements.models import Subscription

# The parts keep the names they had in the communication app: the download's sections are stable.
register(
    Part("communication.announcements", "announcements.Announcement", ("created_by",)),
    Part(
        "communication.subscriptions",
        "announcements.Subscription",
        ("user",),
        exclude=("feed_token_hash",),  # a secret, even hashed
    ),
)


@on_anonymise("communication.subscriptions")
def end_subscriptions(user: User) -> int:
    """The personal feed addresses stop working and no digest is sent."""
    deleted, _ = Subscription.objects.filter(user=user).delete()
    return deleted
