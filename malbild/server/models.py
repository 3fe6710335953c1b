from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """One claimed run of a periodic entry (see malbild/lib/schedule.py).

    The unique (name, due_at) pair is the claim: whichever worker inserts the row enqueues the
    task, so several workers never enqueue the same run twice.
    """

    name = models.CharField(_("name"), max_length=100)
    due_at = models.DateTimeField(_("due at"))
    enqueued_at = models.DateTimeField(_("enqueued at"), auto_now_add=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        ordering = ["-due_at", "name"]
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [
            models.UniqueConstraint(fields=["name", "due_at"], name="server_scheduledrun_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.due_at:%Y-%m-%d %H:%M}"


class StoredFile(models.Model):
    """A file that someone uploaded or that Målbild generated (minutes, pictures, import files,
    follow-up documents), kept in the database by `malbild.server.storage.DatabaseStorage` so
    that every server and worker sees it and one backup of the database holds it.

    Its content is in `StoredFileChunk` rows of at most `chunk_size` bytes, so that neither a
    write nor a read ever holds more than one chunk in memory.
    """

    name = models.CharField(_("name"), max_length=255)
    size = models.BigIntegerField(_("size in bytes"))
    chunk_size = models.PositiveIntegerField(_("chunk size in bytes"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="server_storedfile_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class StoredFileChunk(models.Model):
    """One piece of a `StoredFile`'s content, in order."""

    file = models.ForeignKey(
        StoredFile, on_delete=models.CASCADE, related_name="chunks", verbose_name=_("file")
    )
    index = models.PositiveIntegerField(_("index"))
    data = models.BinaryField(_("data"))

    class Meta:
        ordering = ["file", "index"]
        verbose_name = _("stored file chunk")
        verbose_name_plural = _("stored file chunks")
        constraints = [
            models.UniqueConstraint(fields=["file", "index"], name="server_storedfilechunk_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.file_id}#{self.index}"
