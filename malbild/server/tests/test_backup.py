import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from conftest import make_user
from malbild.demo import content
from malbild.server import storage
from malbild.server.backup import holdings, row_counts


def empty_the_database() -> None:
    """Drop every table, leaving a database as empty as a new one."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys = OFF")
        for table in connection.introspection.table_names():
            cursor.execute(f'DROP TABLE IF EXISTS "{table}"')
        cursor.execute("PRAGMA foreign_keys = ON")
    assert connection.introspection.table_names() == []


@pytest.mark.django_db(transaction=True)
def test_the_demo_restores_into_an_empty_database_with_equal_row_counts(tmp_path, capsys):
    content.load()
    before = row_counts()
    assert before["tenants_organisation"] == 2
    assert sum(1 for count in before.values() if count) > 30  # a well-filled database
    file = tmp_path / "malbild.backup"
    call_command("backup", str(file))
    assert "integrity check passed" in capsys.readouterr().out
    empty_the_database()
    assert holdings(connection) == ""
    call_command("restore", str(file))
    assert "Restored" in capsys.readouterr().out
    assert row_counts() == before


@pytest.mark.django_db(transaction=True)
def test_the_backup_holds_every_kept_file(tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "CHUNK_SIZE", 1000)
    picture = bytes(range(256)) * 20  # six chunks
    make_user("forst@example.test")
    name = default_storage.save("stories/2026/bild.jpg", ContentFile(picture))
    file = tmp_path / "with-files.backup"
    call_command("backup", str(file))
    empty_the_database()
    call_command("restore", str(file))
    with default_storage.open(name) as handle:
        assert handle.read() == picture


@pytest.mark.django_db(transaction=True)
def test_a_database_that_holds_data_is_only_replaced_with_force(tmp_path):
    make_user("forst@example.test")
    file = tmp_path / "one-person.backup"
    call_command("backup", str(file))
    make_user("sedan@example.test")
    with pytest.raises(CommandError, match=r"already holds 2 person\(s\).*--force"):
        call_command("restore", str(file))
    assert row_counts()["accounts_user"] == 2
    call_command("restore", str(file), "--force")
    assert row_counts()["accounts_user"] == 1


@pytest.mark.django_db
def test_a_damaged_backup_is_refused_before_anything_changes(tmp_path):
    make_user("kvar@example.test")
    file = tmp_path / "damaged.backup"
    file.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(CommandError, match="Nothing restored"):
        call_command("restore", str(file), "--force")
    assert row_counts()["accounts_user"] == 1


@pytest.mark.django_db
def test_a_missing_backup_or_folder_is_named(tmp_path):
    with pytest.raises(CommandError, match="There is no backup file"):
        call_command("restore", str(tmp_path / "saknas.backup"))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "saknas" / "malbild.backup"))
    assert not (tmp_path / "saknas").exists()


@pytest.mark.django_db
def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    file = tmp_path / "notes.txt"
    file.write_text("not a backup")
    with pytest.raises(CommandError, match="Nothing restored"):
        call_command("restore", str(file))


def test_the_commands_fail_with_a_nonzero_exit_status(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "malbild.cli", "restore", str(tmp_path / "saknas.backup")],
        capture_output=True,
        text=True,
        env={"MALBILD_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode != 0
    assert "There is no backup file" in result.stderr
