import pytest


@pytest.fixture(autouse=True)
def english(request):
    """Pages and messages in English, so that the tests compare against the msgids whether the
    Swedish catalogue is compiled or not."""
    from django.utils import translation

    if "cast" in request.fixturenames:
        from malbild.accounts.models import User

        request.getfixturevalue("cast")
        User.objects.update(language="en")
    with translation.override("en"):
        yield
