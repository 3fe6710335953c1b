"""Login, logout and failed logins go to the audit trail: Django reports these only through its
auth signals, the only Django signals received in Målbild. And the place on the profile page
where apps above add their panels (`lib.panels`).
"""

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from malbild import audit
from malbild.accounts.models import UserManager
from malbild.lib.panels import Panels

#: Panels on the profile page, from the apps above. Arguments: `request`. The API shows the
#: person's API keys.
profile_panels = Panels()


@receiver(user_logged_in, dispatch_uid="malbild_audit_login")
def on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    from malbild.accounts.oidc import BACKEND

    # login() keeps the backend in the session: say when the municipality's login service vouched.
    how = "OpenID Connect" if request.session.get(BACKEND_SESSION_KEY) == BACKEND else ""
    audit.record("accounts.login", actor=user, request=request, target=user, summary=how)


@receiver(user_logged_out, dispatch_uid="malbild_audit_logout")
def on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record("accounts.logout", actor=user, request=request, target=user)


@receiver(user_login_failed, dispatch_uid="malbild_audit_login_failed")
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    email = UserManager.normalize(str(credentials.get("username", "")))
    audit.record("accounts.login_failed", request=request, summary=email[:254])
