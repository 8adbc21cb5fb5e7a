"""Reference data is data, not code (docs/domain.md): the shared shape of every catalogue."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ReferenceQuerySet(models.QuerySet):
    def in_use(self):
        """Entries that may be chosen for new records (archived ones stay for old records)."""
        return self.filter(archived=False)


def reference_name(name: str, name_en: str) -> str:
    """An entry's name in the active language (English when asked for and given), for rows read as values."""
    if name_en and (get_language() or "nl").startswith("en"):
        return name_en
    return name


class ReferenceData(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name (Dutch)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Archived rather than deleted when in use: old records keep their meaning.
    archived = models.BooleanField(_("archived"), default=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return reference_name(self.name, self.name_en)
