"""The person's files of units and people, the box they put away, and the roles waiting for
their next login."""

from typing import Any

from malbild.accounts.personal_data import Part, on_anonymise, register
from malbild.onboarding.models import LoginGrant
from malbild.tenants.scope import unscoped


def _grants_for(user: Any) -> Any:
    return LoginGrant.objects.filter(email=user.email)


register(
    Part(
        "onboarding.files",
        "onboarding.FileBatch",
        ("created_by",),
        # Other people's names and addresses, waiting for the import: not this person's data.
        exclude=("rows", "errors"),
    ),
    Part("onboarding.checklists", "onboarding.Checklist", ("hidden_by",)),
    Part("onboarding.login_grants", "onboarding.LoginGrant", collect=_grants_for),
)


@on_anonymise("onboarding.login_grants")
def forget_grants(user: Any) -> int:
    """Roles waiting for the person's login go: the anonymised account never logs in. Their
    invitations were rewritten to the anonymous address before this runs."""
    with unscoped():
        removed, _by_model = LoginGrant.objects.filter(invitation__email=user.email).delete()
    return removed
