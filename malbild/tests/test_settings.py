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
