"""The append-only base model that every evidence table builds on, and the rate-limit counters."""

from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    """Evidence is never changed through the ORM: bulk update and delete are refused."""

    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows are append-only")

    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are append-only")


class AppendOnlyModel(models.Model):
    """Evidence rows: inserted once, never saved again or deleted.

    Decisions, signatures and events also PROTECT their shop and repair order, so deleting a
    shop or an RO (in the admin or the ORM) cannot take the evidence with it.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are append-only")


class RateCounter(models.Model):
    """Attempts counted in one fixed window for one subject (`core.ratelimit`).

    `key` names the limit, the hashed subject and the window, so a new window is a new row;
    rows whose window ended are purged by the worker.
    """

    key = models.CharField(max_length=120, unique=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"
