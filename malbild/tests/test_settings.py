"""Configuration mistakes stop the start with a clear message, never a deep traceback."""

import os
import secrets
import subprocess
import sys

import pytest

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
        timeout=120,
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
from django.test import Client
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
"""


def test_production_mode_sends_hsts_redirects_to_https_and_secures_cookies(tmp_path):
    database = f"sqlite:///{tmp_path}/db.sqlite3"
    env = {
        "MALBILD_PRODUCTION": "1",
        "MALBILD_SECRET_KEY": GOOD_KEY,
        "MALBILD_ALLOWED_HOSTS": "malbild.example.org",
        "MALBILD_DATABASE_URL": database,
        "MALBILD_STATIC_ROOT": str(tmp_path / "static"),
    }
    assert run_malbild(tmp_path, "migrate", "-v0", **env).returncode == 0
    assert run_malbild(tmp_path, "collectstatic", "--no-input", "-v0", **env).returncode == 0
    result = run_malbild(tmp_path, "shell", "--no-imports", "-c", PROBE, **env)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines["redirect"] == "True"  # health checks answer over plain HTTP
    assert lines["hsts"].startswith("max-age=31536000")
    assert lines["csp"] == "True"
    assert lines["https"] == "301 https://malbild.example.org/"
    assert lines["cookie"] == "True"
