"""The demo's practices: some public, some shared, a draft, and Ekby's question."""

from malbild.demo import practices as demo_practices
from malbild.practices import search
from malbild.practices.models import Practice, PracticeComment
from malbild.tenants import shared
from malbild.tenants.models import Organisation


def test_the_demo_shares_practices_of_both_municipalities(demo):
    found = search.matching(shared.published(Practice), "ledarskap")
    assert found is not None
    assert {p.organisation.slug for p in found.select_related("organisation")} == {"mittkoping"}
    states = set(shared.published(Practice).values_list("organisation__slug", "state"))
    assert {("mittkoping", "public"), ("mittkoping", "shared"), ("ekby", "public"),
            ("ekby", "shared")} <= states  # fmt: skip
    comments = shared.published(PracticeComment).select_related("organisation")
    assert [c.organisation.slug for c in comments] == ["ekby", "mittkoping"]
    # Loading again writes nothing more.
    organisations = {o.slug: o for o in Organisation.objects.all()}
    demo_practices.load(organisations, {})
    assert shared.published(PracticeComment).count() == 2
