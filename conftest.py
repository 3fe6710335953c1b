"""The shared cast and fixtures for every test."""

import os

import pytest
from hypothesis import settings as hypothesis_settings

hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, max_examples=200)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_tests(settings):
    # Argon2 is deliberately slow; tests that are about hashing set it back themselves.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tasks run in the test's process, at once: the worker's behaviour is tested on its own.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def make_user(email: str, name: str = "", **fields):
    from malbild.accounts.models import User

    return User.objects.create_user(email=email, password=PASSWORD, name=name, **fields)


@pytest.fixture
def teacher(db):
    return make_user("larare@test.example", "Lena Lärare")


@pytest.fixture
def rektor(db):
    return make_user("rektor@test.example", "Rut Rektor")


def audit_events(**filters):
    """Audit events matching `filters`, across organisations (events of logins have none)."""
    from malbild.audit.models import AuditEvent
    from malbild.tenants.scope import unscoped

    with unscoped():
        return list(AuditEvent.objects.filter(**filters))
