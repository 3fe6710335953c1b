from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from malbild import audit
from malbild.accounts.models import User, UserManager
from malbild.tenants import services
from malbild.tenants.models import Membership, Organisation, OrgUnit
from malbild.tenants.scope import scope


class Command(BaseCommand):
    help = (
        "Create an organisation (a municipality) with its top unit and its first administrator. "
        "The administrator sets a password with 'Forgot your password?' on the login page."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name", help="The organisation's name, e.g. 'Umeå kommun'.")
        parser.add_argument("slug", help="Its address name, e.g. 'umea' (/o/umea/).")
        parser.add_argument("--admin", required=True, help="E-mail of the first administrator.")
        parser.add_argument(
            "--unit",
            default="Förvaltningen",
            help="Name of the top unit (default: Förvaltningen).",
        )
        parser.add_argument("--kolada-id", default="", help="Kolada municipality id (4 digits).")

    @transaction.atomic
    def handle(self, *args: Any, name: str, slug: str, admin: str, unit: str, kolada_id: str,
               **opts: Any) -> None:  # fmt: skip
        organisation = Organisation(name=name, slug=slug, kolada_municipality_id=kolada_id)
        try:
            organisation.full_clean()
        except ValidationError as e:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in e.message_dict.items())
            raise CommandError(problems) from None
        organisation.save()
        email = UserManager.normalize(admin)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email)  # no usable password until reset
        with scope(organisation):
            audit.record("tenants.organisation_created", target=organisation, summary=name)
            services.create_unit(
                organisation, None, name=unit, kind=OrgUnit.Kind.ADMINISTRATION, code="ROOT"
            )
            membership = Membership.objects.create(
                organisation=organisation, user=user, role=Membership.Role.ADMIN
            )
            audit.record("tenants.role_given", target=membership, summary=f"{email}: {membership}")
        self.stdout.write(
            self.style.SUCCESS(f"Created {name} at /o/{slug}/ with {email} as administrator.")
        )
