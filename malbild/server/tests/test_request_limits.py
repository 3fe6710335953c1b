"""A request body larger than anything Målbild accepts is refused before it is read, with a 413
that says what the limit is (a page in the person's language, or the API's JSON error), and so
are the forms Django itself stops: too much besides the files, too many fields or files."""

import pytest
from django.conf import settings
from django.urls import reverse

from malbild.api.models import ApiToken
from malbild.api.tests.builders import key
from malbild.stories.images import MAX_IMAGE_MB

MB = 1024 * 1024


class Unread:
    """A request body that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")

    readline = read


def post(client, path, length, **extra):
    extra.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
    return client.generic(
        "POST",
        path,
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": Unread(), **extra},
    )


def login_in_english(client, user):
    user.language = "en"  # a person's own language wins over the browser's
    user.save(update_fields=["language"])
    client.force_login(user)


def test_the_limits_fit_the_largest_legitimate_uploads():
    assert max(settings.IMPORT_MAX_MB, settings.MAX_UPLOAD_MB) < settings.REQUEST_MAX_MB
    assert settings.PUBLIC_REQUEST_MAX_MB > MAX_IMAGE_MB
    assert settings.PUBLIC_REQUEST_MAX_MB * MB > settings.DATA_UPLOAD_MAX_MEMORY_SIZE


@pytest.mark.django_db
def test_a_members_upload_over_the_limit_is_refused_before_its_body_is_read(client, cast):
    login_in_english(client, cast.admin)
    path = reverse("imports:upload", args=["mittkoping"])
    response = post(client, path, (settings.REQUEST_MAX_MB + 1) * MB)
    assert response.status_code == 413
    page = response.content.decode()
    assert f"at most {settings.REQUEST_MAX_MB} MB can be sent at once" in page


@pytest.mark.django_db
def test_the_page_is_in_the_persons_language(client, cast):
    client.force_login(cast.admin)
    path = reverse("imports:upload", args=["mittkoping"])
    response = post(client, path, (settings.REQUEST_MAX_MB + 1) * MB)  # the browser's: en
    assert response.status_code == 413
    assert f"högst {settings.REQUEST_MAX_MB} MB" in response.content.decode()


@pytest.mark.django_db
def test_without_a_login_the_limit_is_what_the_public_forms_need(client, cast):
    path = reverse("stories_public:story_submit", args=["mittkoping"])
    response = post(client, path, (settings.PUBLIC_REQUEST_MAX_MB + 1) * MB)
    assert response.status_code == 413
    assert f"at most {settings.PUBLIC_REQUEST_MAX_MB} MB" in response.content.decode()


@pytest.mark.django_db
def test_an_api_request_over_the_limit_gets_the_apis_error(client, cast):
    secret = key(cast, "admin", ApiToken.Scope.WRITE)
    response = post(
        client, "/api/v1/o/mittkoping/measurements", 100 * MB,
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )  # fmt: skip
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "at most" in response.json()["detail"]
    assert response.json()["errors"] == []


@pytest.mark.django_db
def test_an_api_body_beyond_the_memory_limit_gets_the_apis_error(client, cast):
    secret = key(cast, "admin", ApiToken.Scope.WRITE)
    body = b'{"measurements": [' + b" " * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b"]}"
    response = client.post(
        "/api/v1/o/mittkoping/measurements",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"},
    )
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request is larger than")


@pytest.mark.django_db
def test_a_form_with_too_much_besides_its_files_is_refused_clearly(client, cast):
    login_in_english(client, cast.admin)
    response = client.post(
        reverse("imports:upload", args=["mittkoping"]),
        "x=" + "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
        content_type="application/x-www-form-urlencoded",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 413
    assert "The form holds more text than Målbild accepts" in response.content.decode()


@pytest.mark.django_db
def test_a_form_with_too_many_fields_is_refused_clearly(client, cast):
    login_in_english(client, cast.admin)
    fields = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.post(
        reverse("imports:upload", args=["mittkoping"]),
        fields,
        content_type="application/x-www-form-urlencoded",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 413
    assert "more fields or files than" in response.content.decode()
