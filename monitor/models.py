"""Frozen quarterly monitor snapshots (docs/monitor.md): figures as data, rendered on reading."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MonitorSnapshot(models.Model):
    class Variant(models.TextChoices):
        GROSS = "gross", _("gross (internal)")
        NET = "net", _("net (partners)")

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    variant = models.CharField(_("variant"), max_length=10, choices=Variant.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    figures = models.JSONField(_("figures"), default=dict)
    frozen = models.BooleanField(_("frozen"), default=False)
    # A net snapshot whose disclosure audit failed is kept (the programme team reads why) but
    # not released to its readers. Gross snapshots are always released.
    released = models.BooleanField(_("released"), default=True)
    audit = models.JSONField(_("disclosure audit"), default=dict, blank=True)
    reason = models.TextField(_("reason for this version"), blank=True)
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-year", "-quarter", "variant", "-version"]
        verbose_name = _("monitor snapshot")
        verbose_name_plural = _("monitor snapshots")
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter", "variant", "version"], name="unique_snapshot_version"),
        ]

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter} {self.get_variant_display()} v{self.version}"


class AlertDigest(models.Model):
    """That the daily alert digest of one date went to one person: sending twice is refused."""

    on = models.DateField(_("date"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    items = models.PositiveIntegerField(_("items"), default=0)
    counts = models.JSONField(_("counts"), default=dict)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-on", "recipient_id"]
        verbose_name = _("alert digest")
        verbose_name_plural = _("alert digests")
        constraints = [models.UniqueConstraint(fields=["on", "recipient"], name="one_digest_per_person_per_day")]

    def __str__(self) -> str:
        return f"{self.on} {self.recipient_id}"


class CaseloadAtEnd(models.Model):
    """One caseload case at a quarter's end, as `monitor.figures.caseload_at` annotates it.

    Not a table: the name of the common table expression that `figures._caseload_groups`
    computes once per case (MATERIALIZED) and then groups. Grouping `caseload_at` directly
    repeated its subqueries (status, history, scores) inside every filtered count; reading
    them as columns here lets the same conditions (`figures.no_contact`, `NO_PROBLEMS`,
    `COMPLETE`) be counted without evaluating anything twice.
    """

    # Labels are NULL for a case without a risk category or ideology: only read and grouped,
    # never filtered on, so the fields need not say so.
    id = models.BigIntegerField(primary_key=True, db_column="pk")
    director_at_end = models.BigIntegerField(null=True)
    ideology_name = models.CharField(max_length=200)
    ideology_name_en = models.CharField(max_length=200)
    risk_category_name = models.CharField(max_length=200)
    risk_category_name_en = models.CharField(max_length=200)
    area_name = models.CharField(max_length=200)
    area_name_en = models.CharField(max_length=200)
    status_at_end = models.CharField(max_length=20)
    situation = models.IntegerField()
    contact_since = models.DateField()
    intervention_since = models.DateField(null=True)  # NULL while an intervention runs
    has_running = models.BooleanField()
    has_score = models.BooleanField()
    has_problem = models.BooleanField()
    has_goal = models.BooleanField()

    class Meta:
        managed = False
        db_table = "monitor_caseload_at_end"

    def __str__(self) -> str:
        return str(self.pk)
