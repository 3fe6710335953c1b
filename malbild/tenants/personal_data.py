"""The person's roles, and the invitations they sent or accepted."""

from malbild.accounts.personal_data import Part, register

register(
    Part("tenants.memberships", "tenants.Membership", ("user",)),
    Part("tenants.memberships_given", "tenants.Membership", ("created_by",)),
    Part(
        "tenants.invitations",
        "tenants.Invitation",
        ("invited_by", "accepted_by"),
        exclude=("key",),  # the secret behind an invitation link
    ),
)
