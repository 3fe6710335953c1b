"""The organisation's menu: one list, grouped like the cycle, each person seeing only what they
may use."""

import re

import pytest
from django.urls import reverse

from malbild.tenants import menu
from malbild.tenants.models import Membership
from malbild.tenants.permissions import CAPABILITIES, Access
from malbild.tenants.scope import scope
from malbild.tenants.templatetags.tenants import org_url


def entries(cast, user, view: str = "") -> dict[str, list[str]]:
    with scope(cast.org):
        memberships = list(Membership.objects.filter(user=user).select_related("unit"))
    shown = menu.for_person(Access(cast.org, memberships), view)
    return {s.group.key: [e.url_name for e, _current in s.entries] for s in shown}


def test_every_entry_names_a_page_and_a_known_capability():
    for group in menu.MENU:
        for entry in group.entries:
            assert reverse(entry.url_name, args=["mittkoping"])
            assert entry.capability is None or entry.capability in CAPABILITIES


def test_the_groups_follow_the_cycle():
    assert [g.key for g in menu.MENU] == [
        "riktning", "genomforande", "uppfoljning", "kommunikation", "administration",
    ]  # fmt: skip


@pytest.mark.django_db
def test_a_politician_sees_no_working_tools(cast):
    shown = entries(cast, cast.elected)
    flat = [name for names in shown.values() for name in names]
    assert "imports:overview" not in flat
    assert "indicators:list" not in flat
    assert "tenants:people" not in flat
    assert "administration" not in shown  # no entry in it: no group
    assert "targets:detail" in flat
    assert "followup:periods" in flat


@pytest.mark.django_db
def test_the_administration_sees_every_entry(cast):
    flat = [name for names in entries(cast, cast.admin).values() for name in names]
    assert flat == [entry.url_name for group in menu.MENU for entry in group.entries]


@pytest.mark.django_db
def test_a_rektor_sees_the_tools_for_their_school_but_not_the_audit_log(cast):
    flat = [name for names in entries(cast, cast.rektor).values() for name in names]
    assert "imports:overview" in flat
    assert "tenants:people" in flat
    assert "audit:event_list" not in flat
    assert "feedback:feedback_queue" not in flat


@pytest.mark.django_db
def test_the_current_page_is_marked_in_its_group(cast):
    with scope(cast.org):
        memberships = list(Membership.objects.filter(user=cast.admin))
    shown = menu.for_person(Access(cast.org, memberships), "imports:compare")
    current = [(s.group.key, e.url_name) for s in shown for e, now in s.entries if now]
    assert current == [("uppfoljning", "indicators:list")]


@pytest.mark.django_db
def test_the_menu_opens_without_javascript_and_hides_what_the_person_cannot_use(client, cast):
    client.force_login(cast.admin)
    admin_html = client.get("/o/mittkoping/").content.decode()
    assert "/o/mittkoping/data/" in admin_html
    assert "/o/mittkoping/indikatorer/" in admin_html
    client.force_login(cast.elected)
    html = client.get("/o/mittkoping/").content.decode()
    nav = html[html.index('<nav class="org-nav"') : html.index("</nav>", html.index("org-nav"))]
    assert '<details class="org-menu">' in nav
    assert "<summary" in nav
    assert "/o/mittkoping/data/" not in nav
    assert "/o/mittkoping/indikatorer/" not in nav
    headings = re.findall(r'class="org-menu__heading" id="menu-(\w+)"', nav)
    assert headings == ["riktning", "genomforande", "uppfoljning", "kommunikation"]


def test_the_menu_links_are_each_organisations_own_pages():
    for entry in (e for group in menu.MENU for e in group.entries):
        for slug in ("mittkoping", "nordby", "mittkoping"):
            assert org_url(entry.url_name, slug) == reverse(entry.url_name, args=[slug])
