import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from conftest import stored_files
from malbild.server import storage
from malbild.server.models import StoredFileChunk
from malbild.server.storage import DatabaseStorage

DATA = bytes(range(256)) * 40  # 10,240 bytes: ten chunks and a bit at 1,000 bytes a chunk


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(storage, "CHUNK_SIZE", 1000)


@pytest.mark.django_db
def test_the_default_storage_keeps_files_in_the_database():
    assert isinstance(default_storage, DatabaseStorage)
    name = default_storage.save("minutes/2026/protokoll.pdf", ContentFile(DATA))
    assert name == "minutes/2026/protokoll.pdf"
    assert default_storage.exists(name)
    assert default_storage.size(name) == len(DATA)
    assert StoredFileChunk.objects.filter(file__name=name).count() == 11
    with default_storage.open(name) as handle:
        assert handle.read() == DATA


@pytest.mark.django_db
def test_a_read_fetches_one_chunk_at_a_time_and_seeks_across_chunks():
    name = default_storage.save("big.bin", ContentFile(DATA))
    with default_storage.open(name) as handle:
        with CaptureQueriesContext(connection) as queries:
            assert handle.read(10) == DATA[:10]
        assert len(queries) == 1
        handle.seek(2995)
        assert handle.read(10) == DATA[2995:3005]
        handle.seek(-5, io.SEEK_END)
        assert handle.read() == DATA[-5:]
        assert handle.read() == b""


@pytest.mark.django_db
def test_an_upload_in_pieces_of_other_sizes_is_regrouped():
    class Pieces(ContentFile):
        def chunks(self, chunk_size=None):
            yield from (DATA[i : i + 333] for i in range(0, len(DATA), 333))

    name = default_storage.save("pieces.bin", Pieces(DATA))
    sizes = list(
        StoredFileChunk.objects.filter(file__name=name)
        .order_by("index")
        .values_list("data", flat=True)
    )
    assert [len(bytes(d)) for d in sizes] == [1000] * 10 + [240]
    with default_storage.open(name) as handle:
        assert handle.read() == DATA


@pytest.mark.django_db
def test_an_empty_file_is_kept_empty():
    name = default_storage.save("empty.txt", ContentFile(b""))
    assert default_storage.size(name) == 0
    with default_storage.open(name) as handle:
        assert handle.read() == b""


@pytest.mark.django_db
def test_a_taken_name_gets_another_and_a_deleted_file_is_gone():
    first = default_storage.save("stories/2026/bild.jpg", ContentFile(b"one"))
    second = default_storage.save("stories/2026/bild.jpg", ContentFile(b"two"))
    assert first != second
    assert second.startswith("stories/2026/bild_")
    assert default_storage.listdir("stories") == (["2026"], [])
    files = sorted(name.removeprefix("stories/2026/") for name in (first, second))
    assert default_storage.listdir("stories/2026/") == ([], files)
    default_storage.delete(first)
    assert not default_storage.exists(first)
    assert StoredFileChunk.objects.filter(file__name=first).count() == 0
    with pytest.raises(FileNotFoundError):
        default_storage.open(first)
    with pytest.raises(FileNotFoundError):
        default_storage.size(first)
    with default_storage.open(second) as handle:
        assert handle.read() == b"two"


@pytest.mark.django_db
def test_a_file_saved_in_a_transaction_that_rolls_back_is_not_kept():
    def failing_import() -> None:
        with transaction.atomic():
            default_storage.save("imports/lost.csv", ContentFile(b"a;b\n"))
            raise RuntimeError("the import failed")

    with pytest.raises(RuntimeError):
        failing_import()
    assert stored_files() == []


@pytest.mark.django_db
def test_files_are_never_served_directly_nor_opened_for_writing():
    name = default_storage.save("x.txt", ContentFile(b"x"))
    with pytest.raises(NotImplementedError):
        default_storage.url(name)
    with pytest.raises(ValueError, match="reading only"):
        default_storage.open(name, "wb")


@pytest.mark.django_db
def test_files_on_disk_are_moved_under_their_own_names(tmp_path, capsys):
    (tmp_path / "minutes" / "2025").mkdir(parents=True)
    (tmp_path / "minutes" / "2025" / "protokoll.pdf").write_bytes(DATA)
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "bild.jpg").write_bytes(b"jpeg")
    (tmp_path / "stories" / ".bild.jpg.123.part").write_bytes(b"half")
    call_command("move_files_to_database", "--from", str(tmp_path))
    assert "2 file(s) moved into the database, 0 already there" in capsys.readouterr().out
    assert stored_files() == ["minutes/2025/protokoll.pdf", "stories/bild.jpg"]
    with default_storage.open("minutes/2025/protokoll.pdf") as handle:
        assert handle.read() == DATA
    # Again, deleting from disk: nothing moved twice, the disk emptied of what is stored.
    call_command("move_files_to_database", "--from", str(tmp_path), "--delete")
    assert "0 file(s) moved into the database, 2 already there" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [".bild.jpg.123.part"]


@pytest.mark.django_db
def test_a_file_stored_with_another_size_is_left_on_disk_and_named(tmp_path):
    default_storage.save("stories/bild.jpg", ContentFile(b"another picture"))
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "bild.jpg").write_bytes(b"jpeg")
    with pytest.raises(CommandError, match=r"stories/bild\.jpg"):
        call_command("move_files_to_database", "--from", str(tmp_path), "--delete")
    assert (tmp_path / "stories" / "bild.jpg").exists()
    with default_storage.open("stories/bild.jpg") as handle:
        assert handle.read() == b"another picture"
