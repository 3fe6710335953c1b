"""Who may change a signal: every member reads, discusses and rates every signal (no territorial
thinking); its author changes it, and curators (the administration) change anyone's."""

from malbild.accounts.models import User
from malbild.scanning.models import Signal
from malbild.tenants.permissions import Access


def may_change(signal: Signal, access: Access, user: User) -> bool:
    """Authors change their own signals; curators (administrators) anyone's."""
    if access.can("can_curate_signals", anywhere=True):
        return True
    return access.can("can_contribute_signals", anywhere=True) and signal.created_by_id == user.pk
