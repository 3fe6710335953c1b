"""The public page "What the pupils say": only the results a teacher made public, only texts a
teacher chose with the pupil's consent and age, nothing of an organisation without public
pages."""

import pytest
from django.urls import reverse

from malbild.surveys import services
from malbild.surveys.models import Response
from malbild.surveys.tests.builders import add_answers, agreeing, closed_survey
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope

pytestmark = pytest.mark.django_db
URL = reverse("surveys_public:results", args=["mittkoping"])


def test_only_published_results_are_shown(client, cast):
    shown = closed_survey(cast.org, cast.school, agreeing(9, 1), group_label="6A")
    closed_survey(cast.org, cast.other_school, agreeing(1, 9), group_label="6B")
    with scope(cast.org):
        services.set_results_public(shown, None, True)
    page = client.get(URL).content.decode()
    assert "90,0 %" in page or "90.0 %" in page
    assert "10,0 %" not in page
    assert "10.0 %" not in page
    assert "Berga skola" not in page


def test_only_chosen_texts_with_consent_and_age_are_shown(client, cast):
    older = closed_survey(cast.org, cast.school, agreeing(5), age_group="gy")
    younger = closed_survey(cast.org, cast.school, agreeing(5), group_label="4A")
    add_answers(older, [{"A1": 4}], text="Jag lär mig mer med datorn.")
    add_answers(younger, [{"A1": 4}], text="Surfplattan är kul.")
    add_answers(older, [{"A1": 4}], text="Ovald text.")
    with scope(cast.org):
        Response.objects.exclude(text="Ovald text.").filter(text__gt="").update(
            text_state="chosen", may_publish=True
        )
    page = client.get(URL).content.decode()
    assert "Jag lär mig mer med datorn." in page
    assert "Surfplattan är kul." not in page  # 4–6: younger than the age of consent
    assert "Ovald text." not in page


def test_an_organisation_without_public_pages_answers_404(client, cast):
    Organisation.objects.filter(pk=cast.org.pk).update(has_public_pages=False)
    assert client.get(URL).status_code == 404
