"""Configuration mistakes stop the start with a clear message, never a deep traceback."""

import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

GOOD_KEY = secrets.token_urlsafe(50)


def run_malbild(tmp_path, *args, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MALBILD_")}
    environ["MALBILD_DATA_DIR"] = str(tmp_path)
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "malbild.cli", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nonsense", "MALBILD_DATABASE_URL is not a database URL"),
        ("mysql://u:p@localhost/db", "Målbild supports PostgreSQL and SQLite"),
        ("postgres://localhost", "names no PostgreSQL database"),
    ],
)
def test_a_malformed_database_url_is_a_clear_error(tmp_path, url, message):
    result = run_malbild(tmp_path, "check", MALBILD_DATABASE_URL=url)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
@pytest.mark.django_db
def test_postgresql_plans_a_query_once_when_it_is_run_again(django_user_model):
    """A query sent a few times on a connection is prepared, its values sent apart from its
    text, so that PostgreSQL need not plan it afresh each time (settings._POSTGRES_OPTIONS)."""
    for number in range(6):
        django_user_model.objects.filter(email=f"person{number}@example.org").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "accounts_user"' in sql and "$1" in sql for sql in prepared), prepared


def test_production_mode_needs_a_secret_key(tmp_path):
    result = run_malbild(
        tmp_path, "check", MALBILD_PRODUCTION="1", MALBILD_ALLOWED_HOSTS="malbild.example.org"
    )
    assert result.returncode == 2
    assert "needs MALBILD_SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_mode_needs_allowed_hosts(tmp_path):
    result = run_malbild(tmp_path, "check", MALBILD_PRODUCTION="1", MALBILD_SECRET_KEY=GOOD_KEY)
    assert result.returncode == 2
    assert "needs MALBILD_ALLOWED_HOSTS" in result.stderr


def test_production_mode_needs_a_database_url(tmp_path):
    result = run_malbild(
        tmp_path,
        "check",
        MALBILD_PRODUCTION="1",
        MALBILD_SECRET_KEY=GOOD_KEY,
        MALBILD_ALLOWED_HOSTS="malbild.example.org",
    )
    assert result.returncode == 2
    assert "needs MALBILD_DATABASE_URL" in result.stderr


def test_a_bad_flag_value_is_a_clear_error(tmp_path):
    result = run_malbild(tmp_path, "check", MALBILD_PRODUCTION="kanske")
    assert result.returncode == 2
    assert "MALBILD_PRODUCTION must be 1 or 0" in result.stderr


def test_the_deploy_check_is_clean_in_production_mode(tmp_path):
    result = run_malbild(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        MALBILD_PRODUCTION="1",
        MALBILD_SECRET_KEY=GOOD_KEY,
        MALBILD_ALLOWED_HOSTS="malbild.example.org",
        MALBILD_DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_local_mode_creates_a_private_secret_key_once(tmp_path):
    assert run_malbild(tmp_path, "check").returncode == 0
    key_file = tmp_path / "secret_key"
    key = key_file.read_text()
    assert len(key) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert run_malbild(tmp_path, "check").returncode == 0
    assert key_file.read_text() == key


PROBE = """
from django.core.management import call_command
from django.db import connection
from django.test import Client
if {migrate}:
    call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
client = Client()
plain = client.get("/healthz", HTTP_HOST="malbild.example.org")
print("redirect", plain.status_code == 200)
page = client.get("/konto/logga-in/", HTTP_HOST="malbild.example.org", secure=True)
print("hsts", page.headers.get("Strict-Transport-Security", ""))
print("csp", "unsafe-inline" not in page.headers["Content-Security-Policy"])
home = client.get("/", HTTP_HOST="malbild.example.org")
print("https", home.status_code, home.headers.get("Location", ""))
cookie = page.cookies.get("__Host-csrftoken")
print("cookie", bool(cookie and cookie["secure"]))
print("tables", "django_session" in connection.introspection.table_names())
"""


# Real transactions: SQLite cannot copy a database that its connection is writing in.
@pytest.mark.django_db(transaction=True)
def test_production_mode_sends_hsts_redirects_to_https_and_secures_cookies(tmp_path):
    """Collectstatic and the requests run in one process in production mode. Its database is a
    copy of the test database (migrated already) on SQLite; on PostgreSQL the process migrates
    its own SQLite file first."""
    path = tmp_path / "db.sqlite3"
    copied = connection.vendor == "sqlite"
    if copied:
        target = sqlite3.connect(path)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
    env = {
        "MALBILD_PRODUCTION": "1",
        "MALBILD_SECRET_KEY": GOOD_KEY,
        "MALBILD_ALLOWED_HOSTS": "malbild.example.org",
        "MALBILD_DATABASE_URL": f"sqlite:///{path}",
        "MALBILD_STATIC_ROOT": str(tmp_path / "static"),
    }
    probe = PROBE.format(migrate=not copied)
    result = run_malbild(tmp_path, "shell", "--no-imports", "-c", probe, **env)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines["redirect"] == "True"  # health checks answer over plain HTTP
    assert lines["hsts"].startswith("max-age=31536000")
    assert lines["csp"] == "True"
    assert lines["https"] == "301 https://malbild.example.org/"
    assert lines["cookie"] == "True"
    assert lines["tables"] == "True"  # the process really used a migrated database
    assert (tmp_path / "static" / "staticfiles.json").exists()


REPO = Path(__file__).resolve().parents[2]
DATA_DIR_PROBE = (
    "import django; django.setup(); from django.conf import settings; print(settings.DATA_DIR)"
)


def settings_from(cwd, **env):
    """Start Django's settings in a fresh process from `cwd`, with only `env` as MALBILD_*."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MALBILD_")}
    environ.update(env, DJANGO_SETTINGS_MODULE="malbild.settings")
    environ["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-c", DATA_DIR_PROBE],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_local_data_directory_is_the_checkouts_var_whatever_the_working_directory(tmp_path):
    result = settings_from(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(REPO / "var")
    assert not (tmp_path / "var").exists()  # no secret key or database left where it ran


def test_a_relative_data_directory_is_refused(tmp_path):
    result = settings_from(tmp_path, MALBILD_DATA_DIR="data")
    assert result.returncode != 0
    assert "MALBILD_DATA_DIR must be an absolute path" in result.stderr
    assert not (tmp_path / "data").exists()


def test_an_installed_package_needs_a_data_directory(tmp_path):
    from malbild.settings import default_data_dir

    site_packages = tmp_path / "site-packages"
    (site_packages / "malbild").mkdir(parents=True)
    with pytest.raises(ImproperlyConfigured, match="MALBILD_DATA_DIR"):
        default_data_dir(site_packages / "malbild")
    assert default_data_dir(REPO / "malbild") == REPO / "var"


def git(*args):
    return subprocess.run(
        ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.skipif(not (REPO / ".git").exists(), reason="not a git checkout")
def test_no_data_directory_is_in_git_and_var_is_ignored_at_any_depth():
    tracked = git("ls-files").stdout.splitlines()
    assert [path for path in tracked if "var" in Path(path).parts[:-1]] == []
    for path in ("var/secret_key", "malbild/var/secret_key", "bench/x/var/malbild.sqlite3"):
        assert git("check-ignore", "-q", "--no-index", path).returncode == 0, path
