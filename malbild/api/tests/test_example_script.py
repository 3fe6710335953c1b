"""Done when: scripts/api-example, with a personal key, writes measurements through the API of
a running server, and they show on the dashboard."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from malbild.api.models import ApiToken
from malbild.api.tests.builders import key, world
from malbild.goals.models import Goal
from malbild.imports.tests.builders import measurements_of
from malbild.tenants.scope import scope

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "api-example"

pytestmark = pytest.mark.django_db(transaction=True)


def run_script(
    live_server, secret: str, csv_text: str, tmp_path: Path
) -> subprocess.CompletedProcess:
    path = tmp_path / "matningar.csv"
    path.write_text(csv_text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--url", live_server.url, "--org", "mittkoping", str(path)],
        env={**os.environ, "MALBILD_API_KEY": secret},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_example_script_writes_measurements_that_the_dashboard_shows(
    live_server, client, cast, tmp_path
):
    goal = world(cast)["goals"]["asen"]  # DIGKOMP from 40 (2022) to 80 by 2026
    secret = key(cast, "rektor", ApiToken.Scope.WRITE)
    result = run_script(
        live_server, secret,
        "enhet_kod;indikator_kod;period;kön;värde;status\nASEN;DIGKOMP;2025;T;70;\n"
        "ASEN;DIGKOMP;2025;K;72,5;\n",
        tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Written: 2 new, 0 replaced" in result.stdout
    with scope(cast.org):
        assert Goal.objects.get(pk=goal.pk).progress == 75  # (70 - 40) / (80 - 40)
    client.force_login(cast.reader)
    page = client.get(reverse("dashboards:unit", args=["mittkoping", cast.school.pk]))
    html = page.content.decode()
    assert goal.title in html
    assert "75.0 %" in html


def test_the_example_script_reports_a_bad_row_and_nothing_is_written(live_server, cast, tmp_path):
    world(cast)
    before = len(measurements_of(cast.org))
    secret = key(cast, "rektor", ApiToken.Scope.WRITE)
    result = run_script(
        live_server, secret,
        "enhet_kod;indikator_kod;period;kön;värde;status\nASEN;DIGKOMP;2025;T;70;\n"
        "BERGA;DIGKOMP;2025;T;70;\n",
        tmp_path,
    )  # fmt: skip
    assert result.returncode == 1
    assert "row 1:" in result.stderr
    assert len(measurements_of(cast.org)) == before
