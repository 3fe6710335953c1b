"""Uploaded and generated files kept in the database (`STORAGES["default"]`).

Every server and every worker of an installation reaches the same database, so a file saved by
one is read by any other, and `malbild backup` holds the files with the rest of the data
(docs/scaling.md, "Uploaded files", says why this and not object storage). A file is a
`StoredFile` row and its content `StoredFileChunk` rows of CHUNK_SIZE bytes: a write streams the
upload chunk by chunk, and a read fetches one chunk at a time, so a 20 MB PDF never sits whole in
a process's memory.

A file saved inside a transaction is part of it: if the transaction rolls back, so does the file.
Names work as with FileSystemStorage (a taken name gets a random suffix); the files are never
served directly (`url()` refuses), only through views that check the reader's rights.
"""

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.utils.deconstruct import deconstructible

from malbild.server.models import StoredFile, StoredFileChunk

CHUNK_SIZE = 1024 * 1024  # 1 MiB: 20 queries for the largest PDF, one MiB of memory at a time
SAVE_ATTEMPTS = 10  # names taken between the check and the insert by another server


class ChunkReader(io.RawIOBase):
    """A read-only, seekable view of a stored file that fetches the chunk under the position
    (one query per chunk; the last chunk fetched is kept)."""

    def __init__(self, stored: StoredFile) -> None:
        super().__init__()
        self.stored = stored
        self.position = 0
        self._index = -1
        self._chunk = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.stored.size}
        if whence not in base:
            raise ValueError(f"invalid whence ({whence})")
        position = base[whence] + offset
        if position < 0:
            raise ValueError("negative seek position")
        self.position = position
        return position

    def readinto(self, buffer: Any) -> int:
        if self.position >= self.stored.size:
            return 0
        index, offset = divmod(self.position, self.stored.chunk_size)
        if index != self._index:
            data = (
                StoredFileChunk.objects.filter(file_id=self.stored.pk, index=index)
                .values_list("data", flat=True)
                .first()
            )
            if data is None:
                raise OSError(f"{self.stored.name}: chunk {index} is missing")
            self._index, self._chunk = index, bytes(data)
        piece = self._chunk[offset : offset + len(buffer)]
        buffer[: len(piece)] = piece
        self.position += len(piece)
        return len(piece)


@deconstructible
class DatabaseStorage(Storage):
    """Django's storage API over the `StoredFile` and `StoredFileChunk` tables."""

    def _open(self, name: str, mode: str = "rb") -> File:
        if any(flag in mode for flag in "wax+"):
            raise ValueError(f"Stored files are opened for reading only, not with mode {mode!r}.")
        stored = StoredFile.objects.filter(name=name).first()
        if stored is None:
            raise FileNotFoundError(name)
        handle: IO[bytes] = io.BufferedReader(ChunkReader(stored), buffer_size=64 * 1024)
        file = File(handle, name)
        file.size = stored.size
        return file

    def _save(self, name: str, content: File) -> str:
        for _attempt in range(SAVE_ATTEMPTS):
            try:
                with transaction.atomic():
                    self._write(name, content)
                return name
            except IntegrityError:
                # Another process took the name since get_available_name() checked it.
                name = self.get_available_name(name)
        raise OSError(f"No free name for {name} after {SAVE_ATTEMPTS} attempts.")

    def _write(self, name: str, content: File) -> None:
        stored = StoredFile.objects.create(name=name, size=0, chunk_size=CHUNK_SIZE)
        size = index = 0
        pending = bytearray()
        for piece in content.chunks(CHUNK_SIZE):  # from the start (File.chunks seeks to 0)
            # An upload's own pieces need not be CHUNK_SIZE long: regroup them.
            pending += piece if isinstance(piece, bytes) else piece.encode()
            while len(pending) >= CHUNK_SIZE:
                data = bytes(pending[:CHUNK_SIZE])
                del pending[:CHUNK_SIZE]
                StoredFileChunk.objects.create(file=stored, index=index, data=data)
                size, index = size + CHUNK_SIZE, index + 1
        if pending or index == 0:
            StoredFileChunk.objects.create(file=stored, index=index, data=bytes(pending))
            size += len(pending)
        StoredFile.objects.filter(pk=stored.pk).update(size=size)

    def delete(self, name: str) -> None:
        with transaction.atomic():
            StoredFileChunk.objects.filter(file__name=name).delete()
            StoredFile.objects.filter(name=name).delete()

    def exists(self, name: str) -> bool:
        return StoredFile.objects.filter(name=name).exists()

    def size(self, name: str) -> int:
        size = StoredFile.objects.filter(name=name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(name)
        return int(size)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = f"{path.rstrip('/')}/" if path.strip("/") else ""
        directories, files = set(), []
        names = StoredFile.objects.filter(name__startswith=prefix).values_list("name", flat=True)
        for name in names:
            rest = name[len(prefix) :]
            if "/" in rest:
                directories.add(rest.split("/", 1)[0])
            else:
                files.append(rest)
        return sorted(directories), sorted(files)

    def url(self, name: str | None) -> str:
        raise NotImplementedError(
            "Stored files are never served directly: a view checks the reader's rights first."
        )

    def get_created_time(self, name: str) -> Any:
        created = StoredFile.objects.filter(name=name).values_list("created_at", flat=True).first()
        if created is None:
            raise FileNotFoundError(name)
        return created

    get_modified_time = get_created_time
    get_accessed_time = get_created_time


@dataclass
class Moved:
    """What `move_from_disk` did, for the command's summary."""

    moved: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # the same name and size already stored
    conflicts: list[str] = field(default_factory=list)  # the name stored with another size


def move_from_disk(root: Path, *, delete: bool = False) -> Moved:
    """Keep every file under `root` (MEDIA_ROOT, where files lived before they were kept in the
    database) under its own name, each in its own transaction, so that a file referenced as
    `minutes/2026/x.pdf` is found under that name. Files already stored are left alone; with
    `delete`, each file on disk is removed once it is stored (or found stored with its size)."""
    storage = DatabaseStorage()
    result = Moved()
    if not root.is_dir():
        return result
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix()
        if path.name.startswith("."):
            continue  # a temporary file of an earlier write, never referenced
        size = path.stat().st_size
        stored = StoredFile.objects.filter(name=name).values_list("size", flat=True).first()
        if stored is not None:
            (result.already if stored == size else result.conflicts).append(name)
        else:
            with transaction.atomic(), path.open("rb") as handle:
                storage._write(name, File(handle, name))
            result.moved.append(name)
        if delete and name not in result.conflicts:
            path.unlink()
    return result
