import pytest

from malbild.tests.security import PRODUCTION_HTTPS


@pytest.fixture
def production_https(settings):
    """Production mode's HTTPS settings (HSTS, the proxy's header): a request with
    X-Forwarded-Proto: https is served as over HTTPS."""
    for name, value in PRODUCTION_HTTPS.items():
        setattr(settings, name, value)
