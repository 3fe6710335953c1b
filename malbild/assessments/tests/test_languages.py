"""The maturity model speaks the reader's language: its areas, statements and next steps, and
the scale, on the answer form, in summaries, the municipality's Excel and the national
comparison; and a database that stored the model in English only gets its Swedish."""

import io

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from malbild.accounts.models import User
from malbild.assessments import content
from malbild.assessments.models import Area, Level, Statement, level_label
from malbild.assessments.tests.builders import closed_round, make_round, model
from malbild.tenants.scope import scope


def url(name, *args):
    return reverse(f"assessments:{name}", args=["mittkoping", *args])


def speaking(language: str) -> None:
    """Everyone in the cast reads `language` (the app's conftest makes them English)."""
    User.objects.update(language=language)


def test_every_text_of_every_version_is_written_in_both_languages():
    for text in content.pairs():
        assert text.sv.strip(), text
        assert text.en.strip(), text
        assert text.sv != text.en, f"not translated: {text.en}"
    for _title, areas in content.VERSIONS.values():
        keys = [s.key for area in areas for s in area.statements]
        assert len(keys) == len(set(keys)), "statement keys must be unique within a version"
        assert all(s.key.startswith(area.key) for area in areas for s in area.statements)


def test_the_areas_have_the_names_swedish_schools_know(db):
    model()
    areas = list(Area.objects.order_by("position"))
    with translation.override("sv"):
        assert [a.label for a in areas] == ["Ledning", "Infrastruktur", "Kompetens", "Användning"]
    with translation.override("en"):
        assert [a.label for a in areas] == ["Leadership", "Infrastructure", "Competence", "Use"]


def test_the_scale_uses_the_words_of_lika(db):
    with translation.override("sv"):
        words = [level_label(level) for level in (*Level.values, None)]
    assert words == ["uppnådd", "nästan där", "påbörjad", "planerad", "ej planerad", "ej relevant"]
    with translation.override("en"):
        assert level_label(Level.STARTED) == "started"


def test_the_answer_form_is_swedish_for_a_swedish_reader_and_english_for_an_english_one(
    client, cast
):
    round_ = make_round(cast.org, cast.school, [cast.rektor])
    l1 = Statement.objects.get(model=round_.model, key="L1")
    client.force_login(cast.rektor)
    speaking("sv")
    with translation.override("sv"):
        page = client.get(url("answer", round_.pk)).content.decode()
    assert "Svara: Ledning" in page
    assert escape(l1.text_sv) in page
    assert "Påbörjad" in page
    assert "Relevant för förskolan" in page
    assert escape(l1.text_en) not in page
    assert "Leadership" not in page
    speaking("en")
    with translation.override("en"):
        page = client.get(url("answer", round_.pk)).content.decode()
    assert "Answer: Leadership" in page
    assert escape(l1.text_en) in page
    assert escape(l1.text_sv) not in page


def test_the_summary_and_the_suggestions_follow_the_reader(client, cast):
    people = [cast.rektor, cast.teacher, cast.admin]
    round_ = closed_round(cast.org, cast.school, people, 1)
    i1 = Statement.objects.get(model=round_.model, key="I1")
    client.force_login(cast.rektor)
    speaking("sv")
    with translation.override("sv"):
        summary = client.get(url("summary", round_.pk)).content.decode()
        suggestions = client.get(url("suggestions", round_.pk)).content.decode()
    assert escape(i1.text_sv) in summary
    assert "Infrastruktur" in summary
    assert escape(i1.next_step_sv) in suggestions
    assert escape(i1.next_step_en) not in suggestions


def test_the_municipality_export_is_in_the_readers_language(client, cast):
    closed_round(cast.org, cast.school, [cast.rektor, cast.teacher, cast.admin], 2)
    client.force_login(cast.admin)
    for language, area, statement in [
        ("sv", "Ledning", "text_sv"),
        ("en", "Leadership", "text_en"),
    ]:
        speaking(language)
        with translation.override(language):
            book = load_workbook(io.BytesIO(client.get(url("export")).content))
        cells = {
            cell
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if isinstance(cell, str)
        }
        assert area in cells
        assert getattr(Statement.objects.get(key="L1"), statement) in cells


def test_the_national_comparison_is_in_the_readers_language(client, cast):
    from conftest import make_unit
    from malbild.assessments.models import AssessmentRound

    for i in range(5):
        unit = make_unit(cast.org, f"Skola {i}", cast.area)
        done = closed_round(cast.org, unit, [cast.admin], 2, mode="group")
        with scope(cast.org):
            AssessmentRound.objects.filter(pk=done.pk).update(is_public=True)
    client.force_login(cast.teacher)
    speaking("sv")
    with translation.override("sv"):
        page = client.get(reverse("assessments_shared:national")).content.decode()
    k1 = Statement.objects.get(key="K1")
    assert escape(k1.text_sv) in page
    assert "Kompetens" in page
    assert escape(k1.text_en) not in page


@pytest.mark.django_db(transaction=True)
def test_a_database_that_stored_the_model_in_english_gets_its_swedish():
    executor = MigrationExecutor(connection)
    executor.migrate([("assessments", "0002_maturity_model_v1")])
    old = executor.loader.project_state(("assessments", "0002_maturity_model_v1")).apps
    old.get_model("assessments", "MaturityModel").objects.all().delete()  # as 0002 wrote it:
    title, areas = content.VERSIONS[1]
    old_model = old.get_model("assessments", "MaturityModel").objects.create(
        version=1, title=title.en
    )
    ids = {}
    for position, spec in enumerate(areas, start=1):
        area = old.get_model("assessments", "Area").objects.create(
            model=old_model, key=spec.key, name=spec.name.en, description=spec.description.en,
            foundation=spec.foundation, position=position,
        )  # fmt: skip
        for index, s in enumerate(spec.statements, start=1):
            statement = old.get_model("assessments", "Statement").objects.create(
                model=old_model, area=area, key=s.key, text=s.text.en,
                next_step=s.next_step.en, tags=list(s.tags), position=index,
            )  # fmt: skip
            ids[s.key] = statement.pk
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    stored = Statement.objects.get(key="L6")
    assert stored.pk == ids["L6"]  # the same rows: answers and results keep pointing at them
    l6 = next(s for a in areas for s in a.statements if s.key == "L6")
    assert (stored.text_sv, stored.text_en) == l6.text
    assert (stored.next_step_sv, stored.next_step_en) == l6.next_step
    assert Statement.objects.filter(text_sv="").count() == 0
    assert Area.objects.get(key="A").name_sv == "Användning"
    assert Statement.objects.count() == len(ids)
