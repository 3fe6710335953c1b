"""The pages that only a link in an e-mail leads to: accepting an invitation and choosing a new
password. The links are made in a separate `malbild shell` process, as the e-mail would be."""

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import check_page
from tests.e2e.server import malbild_shell

INVITE = """
from django.urls import reverse
from malbild.tenants import services
from malbild.accounts.models import User
from malbild.tenants.models import Invitation, Organisation, OrgUnit
from malbild.tenants.scope import scope
organisation = Organisation.objects.get(slug="mittkoping")
admin = User.objects.get(email="forvaltning@mittkoping.example")
with scope(organisation):
    school = OrgUnit.objects.get(code="ASEN")
    invitation = Invitation.objects.create(
        organisation=organisation, email="nina@mittkoping.example", name="Nina Nilsson",
        role="staff", unit=school, invited_by=admin,
    )
print(reverse("invitation", args=[services.invitation_token(invitation)]))
"""

RESET = """
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from malbild.accounts.models import User
user = User.objects.get(email="nina@mittkoping.example")
uid = urlsafe_base64_encode(force_bytes(user.pk))
token = default_token_generator.make_token(user)
print(reverse("accounts:password_reset_confirm", args=[uid, token]))
"""

PASSWORD = "ett eget lösenord för Nina"


def test_an_invited_teacher_creates_an_account_then_resets_the_password(
    page: Page, demo_dir: Path
) -> None:
    page.goto(malbild_shell(demo_dir, INVITE))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbjudan till Mittköping")
    check_page(page)

    page.get_by_role("button", name="Skapa kontot och tacka ja").click()  # nothing filled in
    expect(page.get_by_role("alert")).to_be_visible()
    check_page(page)

    page.get_by_label("Välj ett lösenord").fill(PASSWORD)
    page.get_by_label("Samma lösenord en gång till").fill(PASSWORD)
    page.get_by_role("button", name="Skapa kontot och tacka ja").click()
    expect(page.get_by_text("Välkommen till Mittköping.")).to_be_visible()
    expect(page.get_by_text("lärare eller medarbetare – Åsens skola")).to_be_visible()
    check_page(page)

    page.get_by_role("button", name="Logga ut").click()
    page.goto(malbild_shell(demo_dir, RESET))
    expect(page.get_by_role("heading", level=1)).to_have_text("Välj ett nytt lösenord")
    check_page(page)
    page.get_by_label("Nytt lösenord", exact=True).fill(PASSWORD + " 2")
    page.get_by_label("Bekräfta nytt lösenord").fill(PASSWORD + " 2")
    page.get_by_role("button", name="Spara lösenordet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ditt lösenord är sparat")
    check_page(page)


def test_a_forged_invitation_link_is_explained(page: Page) -> None:
    response = page.goto("/inbjudan/inte-en-riktig-lank/")
    assert response is not None
    assert response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbjudan fungerar inte")
    check_page(page)
