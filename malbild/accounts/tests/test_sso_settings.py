"""Mistakes in the single sign-on settings stop the start with a clear message."""

from malbild.tests.test_settings import GOOD_KEY, run_malbild


def test_an_issuer_without_its_client_is_a_clear_error(tmp_path):
    result = run_malbild(
        tmp_path,
        "check",
        MALBILD_OIDC_ISSUER="https://login.kommun.example",
        MALBILD_OIDC_CLIENT_ID="m",
    )
    assert result.returncode == 2
    assert "needs MALBILD_OIDC_CLIENT_ID and MALBILD_OIDC_CLIENT_SECRET" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_mode_needs_an_https_issuer(tmp_path):
    result = run_malbild(
        tmp_path,
        "check",
        MALBILD_PRODUCTION="1",
        MALBILD_SECRET_KEY=GOOD_KEY,
        MALBILD_ALLOWED_HOSTS="malbild.example.org",
        MALBILD_DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        MALBILD_OIDC_ISSUER="http://login.kommun.example",
        MALBILD_OIDC_CLIENT_ID="malbild",
        MALBILD_OIDC_CLIENT_SECRET="hemligt",
    )
    assert result.returncode == 2
    assert "MALBILD_OIDC_ISSUER must be an https:// address" in result.stderr
