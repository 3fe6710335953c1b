"""`malbild import_measurements` and `malbild export_measurements`: in this process, exit
status 0 only on success, and a summary line."""

import pytest
from django.core.management import CommandError, call_command

from malbild.imports.tests.builders import all_measurements, csv_bytes, indicators_for, runs


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.mark.django_db
def test_a_file_is_imported_and_exported_from_the_command_line(cast, tmp_path, capsys):
    indicators_for(cast.org)
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes("ASEN;BEH-LAR;2024;T;61,5;", "BERGA;BEH-LAR;2024;T;58;"))
    call_command("import_measurements", "--organisation", "mittkoping", str(source))
    out = capsys.readouterr().out
    run = runs(cast.org)[-1]
    assert out.strip() == (
        f"Imported 2 values from in.csv into mittkoping: 2 new, 0 replaced (import run {run.pk})."
    )
    assert run.via == "command"
    target = tmp_path / "ut.csv"
    call_command("export_measurements", "--organisation", "mittkoping", str(target))
    assert capsys.readouterr().out.strip() == "Exported 2 values of mittkoping to ut.csv."
    assert target.read_bytes() == source.read_bytes()
    call_command("export_measurements", "--organisation", "mittkoping", str(tmp_path / "ut.xlsx"))
    assert (tmp_path / "ut.xlsx").read_bytes().startswith(b"PK")


@pytest.mark.django_db
def test_a_file_with_errors_fails_and_imports_nothing(cast, tmp_path, capsys):
    indicators_for(cast.org)
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes("ASEN;BEH-LAR;2024;T;61,5;", "NOPE;BEH-LAR;2024;T;58;"))
    with pytest.raises(CommandError, match=r"Nothing was imported from in\.csv"):
        call_command("import_measurements", "--organisation", "mittkoping", str(source))
    assert "Row 3: There is no unit with the code “NOPE”" in capsys.readouterr().err
    assert all_measurements() == []


@pytest.mark.django_db
def test_an_unknown_organisation_or_file_fails(cast, tmp_path):
    with pytest.raises(CommandError, match="no organisation"):
        call_command("import_measurements", "--organisation", "nowhere", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("import_measurements", "--organisation", "mittkoping", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="neither"):
        call_command("export_measurements", "--organisation", "mittkoping", str(tmp_path / "x.pdf"))


def test_the_command_exits_non_zero_in_a_shell(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "malbild.cli",
            "import_measurements",
            "--organisation",
            "x",
            "y.csv",
        ],
        capture_output=True,
        text=True,
        env={"MALBILD_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode != 0
