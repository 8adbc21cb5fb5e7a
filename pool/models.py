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

    @staticmethod
    def in_pool_on(day) -> Q:
        """ "In the pool" on `day`: the period in the pool has begun and not ended (the one rule)."""
        return Q(active_from__lte=day) & (Q(active_until__isnull=True) | Q(active_until__gte=day))

    def is_in_pool_on(self, day) -> bool:
        return self.active_from <= day and (self.active_until is None or self.active_until >= day)

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
    # The grants this substitution made, so ending an absence revokes exactly these.
    grants = models.ManyToManyField(
        "cases.CaseAccessGrant", blank=True, related_name="+", verbose_name=_("access grants")
    )

    class Meta:
        verbose_name = _("substitution")
        verbose_name_plural = _("substitutions")

    def __str__(self) -> str:
        return f"{self.substitute} for {self.absence}"


# --- access carried by a substitution, caseload reviews, directory (docs/access.md) -------------------


class CaseloadReview(models.Model):
    """The quarterly caseload review (caseloadbespreking) of one director by OOV (docs/domain.md source S4)."""

    director = models.ForeignKey(Director, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField(_("held on"))
    held_by = models.ForeignKey(User, verbose_name=_("held by"), on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("caseload review")
        verbose_name_plural = _("caseload reviews")
        indexes = [models.Index(fields=["director", "-held_on"])]

    def __str__(self) -> str:
        return f"{self.director} {self.held_on}"


class CaseloadReviewItem(models.Model):
    """One case discussed in a review: progress, content and registration remarks."""

    review = models.ForeignKey(CaseloadReview, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="+")
    progress = models.TextField(_("progress"), blank=True)
    content = models.TextField(_("content"), blank=True)
    registration = models.TextField(_("registration"), blank=True)

    class Meta:
        ordering = ["case__code"]
        verbose_name = _("case in a caseload review")
        verbose_name_plural = _("cases in a caseload review")
        constraints = [models.UniqueConstraint(fields=["review", "case"], name="one_item_per_case_per_review")]

    def __str__(self) -> str:
        return f"{self.review} {self.case}"


class Instruction(models.Model):
    """An instruction given in a caseload review, tracked until done."""

    review = models.ForeignKey(CaseloadReview, on_delete=models.CASCADE, related_name="instructions")
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("instruction"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["done_on", "due_on", "id"]
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")
        constraints = [
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(done_by__isnull=False), name="instruction_done_by_someone"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ThreeWayConversation(models.Model):
    """The yearly three-way conversation: director, OOV and the line manager (docs/domain.md source S4)."""

    director = models.ForeignKey(Director, on_delete=models.CASCADE, related_name="three_way_conversations")
    held_on = models.DateField(_("held on"))
    line_manager_name = models.CharField(_("line manager"), max_length=150)
    oov_participant = models.ForeignKey(User, verbose_name=_("for OOV"), on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("three-way conversation")
        verbose_name_plural = _("three-way conversations")

    def __str__(self) -> str:
        return f"{self.director} {self.held_on}"


class Contact(models.Model):
    """The directory: attention officers and district project leaders directors can call (docs/domain.md source S1)."""

    class Role(models.TextChoices):
        ATTENTION_OFFICER = "attention_officer", _("attention officer")
        DISTRICT_PROJECT_LEADER = "district_project_leader", _("district project leader")
        OTHER = "other", _("other contact")

    organisation = models.ForeignKey(
        "ipgar.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    remarks = models.CharField(_("remarks"), max_length=300, blank=True)

    class Meta:
        ordering = ["organisation__name", "role", "name"]
        verbose_name = _("directory contact")
        verbose_name_plural = _("directory")
        constraints = [models.UniqueConstraint(fields=["organisation", "role", "name"], name="unique_directory_entry")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"
