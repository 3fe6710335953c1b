"""Every named URL, and what it answers to an anonymous visitor, a member of another
organisation, a member with too weak a role and a member with the right role (DESIGN.md §4).

A route missing here fails `test_every_named_route_is_in_the_matrix`. Each case is one test,
`test_each_role_gets_its_answer`, which builds the cast and the route's objects once and asks as
every role in turn; there a route that takes POST without a POST case fails, every POST case run
with the right role must leave an audit event, and every answer must carry the security headers
(malbild/tests/security.py).
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import PASSWORD, Cast, audit_events
from malbild.announcements.tests.matrix import CASES as ANNOUNCEMENT_CASES
from malbild.api.tests.matrix import CASES as API_TOKEN_CASES
from malbild.assessments.tests.matrix import CASES as ASSESSMENT_CASES
from malbild.dashboards.tests.matrix import CASES as DASHBOARD_CASES
from malbild.demo.tests.matrix import CASES as DEMO_CASES
from malbild.feedback.tests.matrix import CASES as FEEDBACK_CASES
from malbild.followup.tests.matrix import CASES as FOLLOWUP_CASES
from malbild.goals.tests.matrix import CASES as GOAL_CASES
from malbild.imports.tests.matrix import CASES as IMPORT_CASES
from malbild.indicators.tests.matrix import CASES as INDICATOR_CASES
from malbild.onboarding.tests.matrix import CASES as ONBOARDING_CASES
from malbild.plans.tests.matrix import CASES as PLAN_CASES
from malbild.platforms.tests.matrix import CASES as PLATFORM_CASES
from malbild.practices.tests.matrix import CASES as PRACTICE_CASES
from malbild.reports.tests.matrix import CASES as REPORT_CASES
from malbild.scanning.tests.matrix import CASES as SCANNING_CASES
from malbild.steering.tests.matrix import CASES as STEERING_CASES
from malbild.stories.tests.matrix import CASES as STORY_CASES
from malbild.surveys.tests.matrix import CASES as SURVEY_CASES
from malbild.targets.tests.matrix import CASES as TARGET_CASES
from malbild.tests.matrix import (
    LOGIN,
    NEW_PASSWORD,
    Case,
    archived_team_url,
    invitation_url,
    org_url,
    pending_invitation_url,
    person,
    reset_confirm_url,
    reset_set_password_url,
    teacher_membership,
    unit,
)
from malbild.tests.security import assert_security_headers

UNIT = {"name": "Nya skolan", "kind": "skola", "code": "NYA", "school_unit_code": ""}
GLOBAL = "global"  # pages outside any organisation: Ekby's admin is just another person there

MATRIX: dict[str, list[Case]] = {
    "home": [Case("get", lambda cl, c: "/", 200, 200, None, ("teacher", 200))],
    "healthz": [Case("get", lambda cl, c: "/healthz", 200, 200, None, (None, 200))],
    "baseline": [Case("get", lambda cl, c: "/baslinje/", LOGIN, 200, None, ("teacher", 200))],
    "accessibility": [
        Case("get", lambda cl, c: reverse("accessibility"), 200, 200, None, (None, 200)),
    ],
    "set_language": [
        Case("post", lambda cl, c: reverse("set_language"), 302, 302, None, ("teacher", 302),
             lambda c: {"language": "en", "next": "/"}),
    ],
    "accounts:login": [
        Case("get", lambda cl, c: reverse("accounts:login"), 200, 302, None, (None, 200)),
        Case("post", lambda cl, c: reverse("accounts:login"), None, None, None, (None, 302),
             lambda c: {"username": c.teacher.email, "password": PASSWORD}),
    ],
    # Single sign-on is off here (no MALBILD_OIDC_ISSUER): both answer 404 to everyone. With it
    # on, malbild/accounts/tests/test_sso.py walks them against a provider on loopback.
    "accounts:sso_login": [
        Case("get", lambda cl, c: reverse("accounts:sso_login"), 404, 404, None, (None, 404)),
    ],
    "accounts:sso_callback": [
        Case("get", lambda cl, c: reverse("accounts:sso_callback"), 404, 404, None, (None, 404)),
    ],
    "accounts:logout": [
        Case("post", lambda cl, c: reverse("accounts:logout"), 302, 302, None, ("teacher", 302)),
    ],
    "accounts:profile": [
        Case("get", lambda cl, c: reverse("accounts:profile"), LOGIN, 200, None, ("teacher", 200)),
        Case("post", lambda cl, c: reverse("accounts:profile"), LOGIN, None, None, ("teacher", 302),
             lambda c: {"name": "Lars Larsson", "language": "sv"}),
    ],
    "accounts:personal_data": [
        Case("post", lambda cl, c: reverse("accounts:personal_data"), LOGIN, None, None,
             ("teacher", 200)),
    ],
    "accounts:password_change": [
        Case("get", lambda cl, c: reverse("accounts:password_change"), LOGIN, 200, None,
             ("teacher", 200)),
        Case("post", lambda cl, c: reverse("accounts:password_change"), LOGIN, None, None,
             ("teacher", 302),
             lambda c: {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                        "new_password2": NEW_PASSWORD}),
    ],
    "accounts:password_reset": [
        Case("get", lambda cl, c: reverse("accounts:password_reset"), 200, 200, None, (None, 200)),
        Case("post", lambda cl, c: reverse("accounts:password_reset"), None, None, None,
             (None, 302), lambda c: {"email": c.teacher.email}),
    ],
    "accounts:password_reset_done": [
        Case("get", lambda cl, c: reverse("accounts:password_reset_done"), 200, 200, None,
             (None, 200)),
    ],
    "accounts:password_reset_confirm": [
        Case("get", reset_confirm_url, 302, 302, None, (None, 302)),
        Case("post", reset_set_password_url, None, None, None, (None, 302),
             lambda c: {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}),
    ],
    "accounts:password_reset_complete": [
        Case("get", lambda cl, c: reverse("accounts:password_reset_complete"), 200, 200, None,
             (None, 200)),
    ],
    "invitation": [
        Case("get", invitation_url, 200, None, None, (None, 200)),
        Case("post", invitation_url, None, None, None, (None, 302),
             lambda c: {"name": "Nina Ny", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}),
    ],
    "tenants:unit_tree": [
        Case("get", org_url("tenants:unit_tree"), LOGIN, 404, None, ("teacher", 200)),
    ],
    "tenants:unit_detail": [
        Case("get", org_url("tenants:unit_detail", unit("school")), LOGIN, 404, None,
             ("reader", 200)),
    ],
    "tenants:unit_create": [
        Case("get", org_url("tenants:unit_create"), LOGIN, 404, ("teacher", 403), ("admin", 200)),
        Case("post", org_url("tenants:unit_create"), LOGIN, 404, ("elected", 403),
             ("admin", 302), lambda c: UNIT),
    ],
    "tenants:unit_edit": [
        Case("get", org_url("tenants:unit_edit", unit("team")), LOGIN, 404, ("teacher", 403),
             ("rektor", 200)),
        Case("post", org_url("tenants:unit_edit", unit("team")), LOGIN, 404, ("teacher", 403),
             ("rektor", 302), lambda c: {**UNIT, "name": "Arbetslag F-2", "code": "F2",
                                         "kind": "arbetslag"}),
    ],
    "tenants:unit_move": [
        Case("get", org_url("tenants:unit_move", unit("team")), LOGIN, 404, ("teacher", 403),
             ("admin", 200)),
        Case("post", org_url("tenants:unit_move", unit("team")), LOGIN, 404, ("rektor", 200),
             ("admin", 302), lambda c: {"parent": c.other_school.pk}),
    ],
    "tenants:unit_archive": [
        Case("get", org_url("tenants:unit_archive", unit("team")), LOGIN, 404, ("teacher", 403),
             ("rektor", 200)),
        Case("post", org_url("tenants:unit_archive", unit("team")), LOGIN, 404, ("elected", 403),
             ("rektor", 302)),
    ],
    "tenants:unit_restore": [
        Case("post", archived_team_url, LOGIN, 404, ("teacher", 403), ("admin", 302)),
    ],
    "tenants:people": [
        Case("get", org_url("tenants:people"), LOGIN, 404, ("teacher", 403), ("rektor", 200)),
    ],
    "tenants:person_invite": [
        Case("get", org_url("tenants:person_invite"), LOGIN, 404, ("elected", 403),
             ("admin", 200)),
        Case("post", org_url("tenants:person_invite"), LOGIN, 404, ("teacher", 403),
             ("rektor", 302),
             lambda c: {"email": "ny@mittkoping.test", "name": "Nina", "role": "staff",
                        "unit": c.school.pk}),
    ],
    "tenants:invitation_withdraw": [
        Case("post", pending_invitation_url, LOGIN, 404, ("teacher", 403), ("rektor", 302)),
    ],
    "tenants:person_detail": [
        Case("get", org_url("tenants:person_detail", person("teacher")), LOGIN, 404,
             ("teacher", 403), ("rektor", 200)),
    ],
    "tenants:role_grant": [
        Case("post", org_url("tenants:role_grant", person("teacher")), LOGIN, 404,
             ("reader", 403), ("admin", 302), lambda c: {"role": "viewer", "unit": ""}),
    ],
    "tenants:role_revoke": [
        Case("post", org_url("tenants:role_revoke", person("teacher"), teacher_membership),
             LOGIN, 404, ("elected", 403), ("rektor", 302)),
    ],
    "tenants:person_anonymise": [
        Case("get", org_url("tenants:person_anonymise", person("teacher")), LOGIN, 404,
             ("rektor", 403), ("admin", 200)),
        Case("post", org_url("tenants:person_anonymise", person("teacher")), LOGIN, 404,
             ("rektor", 403), ("admin", 302)),
    ],
    "audit:event_list": [
        Case("get", org_url("audit:event_list"), LOGIN, 404, ("rektor", 403), ("admin", 200)),
    ],
}  # fmt: skip
MATRIX.update(PLATFORM_CASES)
MATRIX.update(TARGET_CASES)
MATRIX.update(STEERING_CASES)
MATRIX.update(INDICATOR_CASES)
MATRIX.update(GOAL_CASES)
MATRIX.update(DASHBOARD_CASES)
MATRIX.update(IMPORT_CASES)
MATRIX.update(PLAN_CASES)
MATRIX.update(FOLLOWUP_CASES)
MATRIX.update(SCANNING_CASES)
MATRIX.update(PRACTICE_CASES)
MATRIX.update(ASSESSMENT_CASES)
MATRIX.update(ANNOUNCEMENT_CASES)
MATRIX.update(STORY_CASES)
MATRIX.update(FEEDBACK_CASES)
MATRIX.update(API_TOKEN_CASES)
MATRIX.update(REPORT_CASES)
MATRIX.update(DEMO_CASES)
MATRIX.update(SURVEY_CASES)
MATRIX.update(ONBOARDING_CASES)

# POST routes that write without an audit event, each with the reason; the test checks that
# they indeed leave none.
NOT_AUDITED = {
    # A pupil's anonymous answer: an event would record when (and from where) a pupil answered.
    # The survey's own events (opened, closed with so many answers) are its trail.
    "surveys_pupil:answer": "an anonymous pupil's answer",
}


def named_routes() -> set[str]:
    def walk(patterns: list[Any], namespace: str = "") -> set[str]:
        names: set[str] = set()
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue  # the technical Django admin, superusers only
                if p.namespace == "api":
                    continue  # bearer keys, not sessions: malbild/api/tests/test_matrix.py
                inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
                names |= walk(p.url_patterns, inner)
            elif isinstance(p, URLPattern) and p.name:
                names.add(namespace + p.name)
        return names

    return walk(get_resolver().url_patterns)


def cases() -> list[tuple[str, int, Case]]:
    return [(name, i, case) for name, entries in MATRIX.items() for i, case in enumerate(entries)]


def test_every_named_route_is_in_the_matrix():
    assert named_routes() == set(MATRIX)


def params(applies: Callable[[Case], bool]) -> list[Any]:
    return [
        pytest.param(name, case, id=f"{name}-{case.method}")
        for name, _index, case in cases()
        if applies(case)
    ]


ANONYMOUS = "anonymous"
OTHER = "another organisation"
WEAK = "too weak a role"
RIGHT = "the right role"


def asks(case: Case) -> list[tuple[str, str | None, int | str]]:
    """Who asks and the answer each should get: the refusals first, the right role last (its
    POST may change the objects that the others ask for)."""
    found: list[tuple[str, str | None, int | str]] = []
    if case.anonymous is not None:
        found.append((ANONYMOUS, None, case.anonymous))
    if case.other is not None:
        found.append((OTHER, "ekby_admin", case.other))
    if case.weak is not None:
        found.append((WEAK, *case.weak))
    found.append((RIGHT, *case.right))
    return found


def client_for(cast: Cast, who: str | None) -> Client:
    """A visitor of its own (own session), over HTTPS behind the proxy as in production."""
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    if who is not None:
        client.force_login(getattr(cast, who))
    return client


def takes_no_post(name: str, case: Case) -> bool:
    """The route's first case, on a route without POST cases: it must refuse POST (405)."""
    return case is MATRIX[name][0] and not any(c.method == "post" for c in MATRIX[name])


@pytest.mark.parametrize(("name", "case"), params(lambda c: True))
def test_each_role_gets_its_answer(cast, production_https, name, case):
    """One world per case: the cast and the route's objects are built once, then each role asks
    with its own session: an anonymous visitor, Ekby's admin, a role too weak, and the right
    role. Every answer carries the security headers; the right role's POST leaves an audit
    event (none when the case writes nothing); a route without POST cases refuses POST."""
    right_client = client_for(cast, case.right[0])
    path = case.path(right_client, cast)
    for kind, who, expected in asks(case):
        client = right_client if kind == RIGHT else client_for(cast, who)
        before = len(audit_events())
        data = case.data(cast)
        response = client.get(path) if case.method == "get" else client.post(path, data)
        what = f"{name} {case.method} as {kind} ({who})"
        if expected == LOGIN:
            assert response.status_code == 302, what
            assert response["Location"].startswith(reverse("accounts:login")), what
        else:
            assert response.status_code == expected, what
        assert_security_headers(response)
    if case.method == "post" and name in NOT_AUDITED:
        assert len(audit_events()) == before, f"{name} must leave no audit event"
    elif case.method == "post" and case.writes:
        assert len(audit_events()) > before, f"{name} wrote without an audit event"
    elif case.method == "post":
        assert len(audit_events()) == before, f"{name} changes nothing, so audits nothing"
    elif takes_no_post(name, case):
        response = right_client.post(path, {})
        assert response.status_code == 405, f"{name} takes POST: add a POST case to the matrix"
