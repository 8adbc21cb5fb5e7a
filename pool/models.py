"""The director pool: who directs cases, with what capacity, and who substitutes whom."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

User = settings.AUTH_USER_MODEL


class Director(models.Model):
    """A case director (regisseur), seconded from a home organisation."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="director")
    organisation = models.ForeignKey(
        "ipgar.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="directors"
    )
    seconded_from = models.ForeignKey(
        "ipgar.Organisation",
        verbose_name=_("seconded from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("When the director works for the organisation above but comes from another (e.g. JBRA)."),
    )
    fte = models.DecimalField(
        _("FTE"),
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("1.0"))],
    )
    capacity_override = models.PositiveSmallIntegerField(
        _("capacity (override)"), null=True, blank=True, help_text=_("Leave empty for 12 cases per FTE.")
    )
    restricted_to_areas = models.ManyToManyField(
        "cases.Area",
        verbose_name=_("only cases in"),
        blank=True,
        help_text=_("Leave empty when the director takes cases from every area."),
    )
    line_manager_name = models.CharField(_("line manager (home organisation)"), max_length=150, blank=True)
    line_manager_email = models.EmailField(_("line manager e-mail"), blank=True)
    active_from = models.DateField(_("in the pool from"))
    active_until = models.DateField(_("in the pool until"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("case director")
        verbose_name_plural = _("case directors")
        constraints = [
            models.CheckConstraint(condition=Q(fte__gte=Decimal("0.1"), fte__lte=Decimal("1.0")), name="fte_in_range"),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def capacity(self) -> int:
        """Maximum caseload: the override, or cases-per-FTE times FTE (derived, never typed)."""
        if self.capacity_override is not None:
            return self.capacity_override
        return int(self.fte * settings.IPGAR_CASES_PER_FTE)


class Absence(models.Model):
    """A director's absence (illness, leave); substitutes get access for its period only."""

    class Kind(models.TextChoices):
        ILLNESS = "illness", _("illness")
        LEAVE = "leave", _("leave")
        OTHER = "other", _("other")

    director = models.ForeignKey(Director, on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    registered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="absence_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.director} {self.starts_on}–{self.ends_on}"


class Substitution(models.Model):
    """Who takes over which cases of an absent director (all of them when none are listed)."""

    absence = models.ForeignKey(Absence, on_delete=models.CASCADE, related_name="substitutions")
    substitute = models.ForeignKey(Director, on_delete=models.PROTECT, related_name="substitutions")
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="substitutions")

    class Meta:
        verbose_name = _("substitution")
        verbose_name_plural = _("substitutions")

    def __str__(self) -> str:
        return f"{self.substitute} for {self.absence}"
