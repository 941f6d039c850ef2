"""The data-version stamp: one row whose counter goes up whenever public data changes.

Every cached public response, ETag and Last-Modified is derived from it (hotpath.cache), so
an edit is visible at once and a conditional request costs one tiny read when nothing changed.
"""

from django.db import models


class DataVersion(models.Model):
    """A single row (pk 1). Bumped in the writing transaction by the signals of every public
    model and by bulk imports; a rolled-back edit rolls its bump back too. The token is random,
    never a counter, so that a rolled-back bump can never be reused for other data."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "data version"
        # Created by crin_legal's first migration, before this package held it.
        db_table = "crin_legal_dataversion"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"data version {self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
