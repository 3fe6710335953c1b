from malbild.accounts.models import User
from malbild.accounts.personal_data import Part, on_anonymise, register
from malbild.api import tokens

register(
    Part("api.tokens", "api.ApiToken", ("user",), exclude=("key_hash",)),  # a secret, even hashed
)


@on_anonymise("api.tokens")
def revoke_tokens(user: User) -> int:
    """The person's API keys stop working; they are kept, revoked, for the audit trail."""
    return tokens.revoke_all(user)
