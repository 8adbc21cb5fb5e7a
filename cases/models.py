"""The case file: a pseudonymous case, its identity apart, and everything a director records."""

import datetime as dt
import functools
import re

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchVectorExact, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import CharField, Exists, F, Func, OuterRef, Q, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from ipgar.reference import ReferenceData

User = settings.AUTH_USER_MODEL


# --- reference data ------------------------------------------------------------------


class RiskCategory(ReferenceData):
    class Meta(ReferenceData.Meta):
        verbose_name = _("risk category")
        verbose_name_plural = _("risk categories")


class Ideology(ReferenceData):
    class Meta(ReferenceData.Meta):
        verbose_name = _("ideology")
        verbose_name_plural = _("ideologies")


class LifeDomain(ReferenceData):
    class Meta(ReferenceData.Meta):
        verbose_name = _("life domain")
        verbose_name_plural = _("life domains")


class ReportSource(ReferenceData):
    class Meta(ReferenceData.Meta):
        verbose_name = _("report source")
        verbose_name_plural = _("report sources")


class OutflowReason(ReferenceData):
    class Meta(ReferenceData.Meta):
        verbose_name = _("outflow reason")
        verbose_name_plural = _("outflow reasons")


class Area(ReferenceData):
    class Region(models.TextChoices):
        AMSTERDAM = "amsterdam", _("Amsterdam")
        AMSTELLAND = "amstelland", _("Amstelland")

    region = models.CharField(_("region"), max_length=20, choices=Region.choices, default=Region.AMSTERDAM)

    class Meta(ReferenceData.Meta):
        verbose_name = _("area")
        verbose_name_plural = _("areas")


class InterventionType(ReferenceData):
    """An entry of the intervention catalogue (interventiepallet)."""

    description = models.TextField(_("description"), blank=True)
    default_partner = models.ForeignKey(
        "ipgar.Organisation",
        verbose_name=_("usual executing partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta(ReferenceData.Meta):
        verbose_name = _("intervention type")
        verbose_name_plural = _("intervention catalogue")


# --- search: full-text words of codes and names ---------------------------------------
#
# The case list searches codes and (programme team) names by word prefix, answered from GIN
# indexes over these expressions (built-in full-text search; pg_trgm is not in the embedded
# PostgreSQL). The expressions must stay exactly as the indexes were built (migration 0010).


class CodeWords(models.Func):
    """The words of a case code: "R-2026-017" -> r, 2026, 017 and 17 (the number without its
    leading zeros), so "2026", "017", "17" and "R-2026" find it. `ipgar_code_words(code)` is a
    database function (migration 0010): declared costly, so the planner reads the index rather
    than working out the words of every code."""

    function = "ipgar_code_words"
    output_field = SearchVectorField()


class NameWords(models.Func):
    """The words of a first and a last name, lowercased ("D'Angelo" -> d, angelo)."""

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = SearchVectorField()


def search_words(text: str) -> list[str]:
    """The words of what someone typed, split as PostgreSQL's parser splits stored text."""
    return [word for word in re.split(r"[\W_]+", text.lower()) if word]


def prefix_query(words: list[str]) -> SearchQuery:
    """Every word as the beginning of a stored word. Words are letters and digits only, so
    the tsquery syntax cannot be injected; the value is a bound parameter."""
    return SearchQuery(" & ".join(f"'{word}':*" for word in words), search_type="raw", config="simple")


def code_condition(text: str) -> Q:
    """The code has every word of `text` as the beginning of one of its words (the GIN index on
    `ipgar_code_words(code)` answers it)."""
    words = search_words(text)
    if not words:  # only punctuation: as a plain substring, as before
        return Q(code__icontains=text)
    if len(words) > 1 and words[0] == "r":
        # Every code starts with "R-": the word filters nothing, and looking it up in the
        # index would read every case.
        words = words[1:]
    return Q(SearchVectorExact(CodeWords("code"), prefix_query(words)))


class AnyOf(Func):
    """`expression = ANY(ARRAY(subquery))`: the subquery runs once, before the scan, and its
    values can be looked up in an index, also as one side of a bitmap OR. `IN (subquery)`
    is a semi-join instead, which reads each row it finds again by its key."""

    output_field = models.BooleanField()

    def as_sql(self, compiler, connection, **extra_context):  # noqa: ARG002 - Func's signature
        value, subquery = self.source_expressions
        value_sql, value_params = compiler.compile(value)
        subquery_sql, subquery_params = compiler.compile(subquery)
        return f"{value_sql} = ANY(ARRAY{subquery_sql})", [*value_params, *subquery_params]


# --- the case ------------------------------------------------------------------------


ALERT_FLAGS = ("alert_no_contact", "alert_no_intervention", "alert_pending_report")


def _last_contact(today):
    # ORDER BY … LIMIT 1 walks the (case, -date) index backwards: one index entry per case
    # instead of aggregating every contact.
    # Only a real contact counts: an attempt without contact is recorded but leaves the alert.
    return (
        Contact.objects.filter(case=OuterRef("pk"), date__lte=today)
        .exclude(kind=Contact.Kind.ATTEMPT)
        .order_by("-date")
        .values("date")[:1]
    )


def _contact_until(today):
    """The last real contact up to `today`: the case's own `last_contact_on` column (kept by
    triggers on contacts) whenever it lies on or before `today`, which is always so for today
    itself (contacts are never dated in the future). Only for a day in the past with a later
    contact is it looked up."""
    return models.Case(
        models.When(Q(last_contact_on__isnull=True) | Q(last_contact_on__lte=today), then=F("last_contact_on")),
        default=models.Subquery(_last_contact(today), output_field=models.DateField()),
        output_field=models.DateField(),
    )


def _last_intervention():
    return (
        Intervention.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(last=models.Max(Greatest("started_on", "ended_on")))
        .values("last")
    )


def _running_intervention():
    # A LIMIT 1 scalar subquery, not EXISTS: PostgreSQL would turn EXISTS into a hashed scan of
    # every running intervention in the country before a page of 25 rows.
    return Intervention.objects.filter(case=OuterRef("pk"), status=Intervention.Status.RUNNING).values("pk")[:1]


def alert_cutoffs(today) -> tuple[dt.date, dt.date, dt.date]:
    """The days before which the three alerts open: no contact, no intervention, pending (settings)."""
    return (
        today - dt.timedelta(days=settings.IPGAR_NO_CONTACT_DAYS),
        today - dt.timedelta(days=settings.IPGAR_NO_INTERVENTION_DAYS),
        today - dt.timedelta(days=settings.IPGAR_PENDING_REPORT_DAYS),
    )


def _alert_conditions(today) -> tuple[Q, Q, Q]:
    """The three alerts as conditions on the aliases `with_alerts` adds: no contact, no intervention, pending."""
    contact_cutoff, intervention_cutoff, pending_cutoff = alert_cutoffs(today)
    on_caseload = Q(status__in=Case.CASELOAD_STATUSES)
    no_contact = (
        on_caseload
        & ~Q(status=Case.Status.STATIC)
        & Q(is_detained=False, is_abroad=False)
        & Q(contact_since__lt=contact_cutoff)
    )
    no_intervention = on_caseload & Q(has_running_intervention=False) & Q(intervention_since__lt=intervention_cutoff)
    pending = Q(status__in=Case.PENDING_STATUSES, reported_on__lt=pending_cutoff)
    return no_contact, no_intervention, pending


def _flag(condition):
    return models.Case(models.When(condition, then=1), default=0, output_field=models.IntegerField())


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user, *, at=None) -> "CaseQuerySet":
        """Cases whose full file the user may read (docs/access.md); everything else is 404.

        Programme team: all. Others: the guardian permission `view_case` on the case, held
        under a grant in force at `at` (default now; see `permitted`).
        """
        from ipgar import roles

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if roles.is_programme_team(user):
            return self
        return self.filter(permitted(user, "view_case", at=at))

    def registered_for_partner(self, user) -> "CaseQuerySet":
        """Cases an intervention partner may read the need-to-know view of now."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        # A partner has nothing to do on a case that has left the approach, even if a
        # registration was somehow left running.
        return self.filter(permitted(user, "view_need_to_know"), status__in=Case.PARTNER_STATUSES)

    def with_alerts(self, *, today=None) -> "CaseQuerySet":
        """Annotate the three alerts (docs/monitor.md) in SQL, one place for pages, monitor and tasks.

        Adds `alert_no_contact`, `alert_no_intervention`, `alert_pending_report` (booleans);
        `alert_count` filters (alias; on instances the `open_alert_count` property). The last
        contact is the case's `last_contact_on` column.
        Thresholds come from settings (days): IPGAR_NO_CONTACT_DAYS — a case on a caseload
        that is not static, detained or abroad, whose last contact (or inclusion, when there
        was none) is older; IPGAR_NO_INTERVENTION_DAYS — a case on a caseload without a
        running intervention and none started or ended since (counted from inclusion);
        IPGAR_PENDING_REPORT_DAYS — a report not yet decided on (reported, assessment,
        advised) older than that. `today` defaults to the local date (tests freeze it).
        """
        today = today or timezone.localdate()
        no_contact, no_intervention, pending = _alert_conditions(today)
        # Only what pages show is selected; the intermediate values are aliases, used inside the
        # flags. Every selected reference re-inlines its subqueries, and each costs planning and
        # execution time on every list page. The last intervention is an alias too: selected,
        # its subquery ran for every listed case although no page shows it; inside the flag it
        # runs only for a case on a caseload without a running intervention.
        qs = self.alias(
            last_intervention_on=models.Subquery(_last_intervention(), output_field=models.DateField()),
            running_intervention_id=models.Subquery(_running_intervention()),
        )
        qs = qs.alias(
            has_running_intervention=models.ExpressionWrapper(
                Q(running_intervention_id__isnull=False), output_field=models.BooleanField()
            ),
        )
        qs = qs.alias(
            # PostgreSQL's GREATEST skips NULLs: a case without contacts counts from inclusion.
            contact_since=Coalesce(Greatest(_contact_until(today), "included_on"), "reported_on"),
            intervention_since=Coalesce(Greatest("last_intervention_on", "included_on"), "reported_on"),
        )
        return qs.annotate(
            alert_no_contact=models.ExpressionWrapper(no_contact, output_field=models.BooleanField()),
            alert_no_intervention=models.ExpressionWrapper(no_intervention, output_field=models.BooleanField()),
            alert_pending_report=models.ExpressionWrapper(pending, output_field=models.BooleanField()),
        ).alias(
            alert_count=_flag(no_contact) + _flag(no_intervention) + _flag(pending),
        )

    def search_code(self, text: str) -> "CaseQuerySet":
        """Cases whose code has every word of `text` as the beginning of one of its words."""
        return self.filter(code_condition(text))

    def with_alert(self, kind: str = "any", *, today=None) -> "CaseQuerySet":
        """Cases with an open alert: kind is "any", "no_contact", "no_intervention" or "pending_report"."""
        qs = self.with_alerts(today=today)
        if kind == "any":
            return qs.filter(alert_count__gt=0)
        return qs.filter(**{f"alert_{kind}": True})


class Case(models.Model):
    """One person in the approach, known by a pseudonymous code (R-2026-017)."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("reported")
        ASSESSMENT = "assessment", _("assessment")
        ADVISED = "advised", _("advised by IVG-R")
        PREVENTIVE_TALK = "preventive_talk", _("preventive talk")
        NOT_INCLUDED = "not_included", _("not included")
        ACTIVE = "active", _("active direction")
        STATIC = "static", _("static")
        AFTERCARE = "aftercare", _("aftercare")
        CLOSED = "closed", _("closed (outflow)")

    # A director's caseload (capacity, pool overview, monitor) counts these statuses.
    CASELOAD_STATUSES = (Status.ACTIVE, Status.STATIC, Status.AFTERCARE)
    # Reports not yet decided on: the pending-report alert and the monitor's pending figures.
    PENDING_STATUSES = (Status.REPORTED, Status.ASSESSMENT, Status.ADVISED)
    # A case is given to a director once advised (at inclusion), or handed over while active.
    ASSIGNABLE_STATUSES = (Status.ADVISED, Status.ACTIVE)
    # An intervention partner can be registered on, and read, a case only in these statuses.
    PARTNER_STATUSES = (
        Status.REPORTED,
        Status.ASSESSMENT,
        Status.ADVISED,
        Status.ACTIVE,
        Status.STATIC,
        Status.AFTERCARE,
    )

    code = models.CharField(_("code"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REPORTED)
    reported_on = models.DateField(_("reported on"))
    report_source = models.ForeignKey(ReportSource, verbose_name=_("report source"), on_delete=models.PROTECT)
    report_summary = models.TextField(_("short description of the report"), blank=True)
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT)
    risk_category = models.ForeignKey(
        RiskCategory, verbose_name=_("risk category"), on_delete=models.PROTECT, null=True, blank=True
    )
    ideology = models.ForeignKey(Ideology, verbose_name=_("ideology"), on_delete=models.PROTECT, null=True, blank=True)
    director = models.ForeignKey(
        "pool.Director",
        verbose_name=_("case director"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    included_on = models.DateField(_("included on"), null=True, blank=True)
    closed_on = models.DateField(_("outflow on"), null=True, blank=True)
    outflow_reason = models.ForeignKey(
        OutflowReason, verbose_name=_("outflow reason"), on_delete=models.PROTECT, null=True, blank=True
    )
    # The date of the last real contact (an attempt does not count), kept by the database
    # (triggers on contacts, cases migration 0009) so the list sorts by an indexed column and
    # the alerts read one value instead of a subquery per case; nothing in Python writes it.
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True, editable=False)
    is_detained = models.BooleanField(_("detained"), default=False)
    is_abroad = models.BooleanField(_("abroad (travelled out)"), default=False)
    information_picture = models.TextField(_("information picture"), blank=True)
    legal_hold = models.BooleanField(_("legal hold (no retention clean-up)"), default=False)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # Optimistic locking: a save based on an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # last_contact_on follows the contacts, whose own history records them.
    history = HistoricalRecords(excluded_fields=["updated_at", "last_contact_on"])
    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [
            ("view_identity", _("Can view the identity of a case")),
            ("view_need_to_know", _("Can view the need-to-know summary of a case")),
            ("manage_registrations", _("Can register intervention partners on a case")),
        ]
        indexes = [
            models.Index(fields=["status", "director"]),
            models.Index(fields=["director", "status"]),
            # The case list's order (newest report first), with and without a status filter.
            models.Index(fields=["-reported_on", "-id"], name="case_list_order_idx"),
            models.Index(fields=["status", "-reported_on", "-id"], name="case_list_status_order_idx"),
            # Sorted by last contact, newest first (empty last), with and without a status filter:
            # the first page is read from the index instead of sorting every filtered case.
            models.Index(
                F("status"),
                F("last_contact_on").desc(nulls_last=True),
                F("reported_on").desc(),
                F("id").desc(),
                name="case_status_last_contact_idx",
            ),
            models.Index(
                F("last_contact_on").desc(nulls_last=True),
                F("reported_on").desc(),
                F("id").desc(),
                name="case_last_contact_idx",
            ),
            GinIndex(CodeWords("code"), name="case_code_words_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(included_on__isnull=True) | Q(included_on__gte=models.F("reported_on")),
                name="case_included_after_reported",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def open_alert_count(self) -> int:
        """How many alerts are open, on a case read through `with_alerts()`."""
        return sum(bool(getattr(self, name, False)) for name in ALERT_FLAGS)


class CaseIdentity(models.Model):
    """Who the case is about. Apart from the case and more restricted (docs/domain.md)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="identity")
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    bsn = models.CharField(_("BSN"), max_length=9, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")
        indexes = [
            # The programme team's search by name (case list), and by BSN.
            GinIndex(NameWords("first_name", "last_name"), name="identity_name_words_idx"),
            models.Index(fields=["bsn"], condition=~Q(bsn=""), name="identity_bsn_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case.code}"


class CaseTransition(models.Model):
    """One step of the lifecycle: who, when, why, and the PTO-R decision that carried it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=20, choices=Case.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Case.Status.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    decision = models.ForeignKey(
        "meetings.Decision", verbose_name=_("decision"), on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("status transition")
        verbose_name_plural = _("status transitions")

    def __str__(self) -> str:
        return f"{self.case} {self.from_status} → {self.to_status}"


class DirectorAssignment(models.Model):
    """The history of directors of a case; the open row is the current director."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    director = models.ForeignKey("pool.Director", on_delete=models.PROTECT, related_name="assignments")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    assigned_by = models.ForeignKey(User, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["started_on", "id"]
        verbose_name = _("director assignment")
        verbose_name_plural = _("director assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_on__isnull=True), name="one_current_director_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} – {self.director}"


class Contact(models.Model):
    """A contact or effort (inzet); the last date drives the no-contact alert."""

    class Kind(models.TextChoices):
        FACE_TO_FACE = "face_to_face", _("face-to-face")
        PHONE = "phone", _("phone")
        PARTNER_CONSULTATION = "partner_consultation", _("partner consultation")
        ATTEMPT = "attempt", _("attempt (no contact made)")
        OTHER = "other", _("other effort")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    by = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("short note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["case", "-date"])]

    def __str__(self) -> str:
        return f"{self.case} {self.date} {self.get_kind_display()}"


class Intervention(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        RUNNING = "running", _("running")
        COMPLETED = "completed", _("completed")
        STOPPED = "stopped", _("stopped early")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interventions")
    type = models.ForeignKey(InterventionType, verbose_name=_("intervention"), on_delete=models.PROTECT)
    partner = models.ForeignKey(
        "ipgar.Organisation", verbose_name=_("executing partner"), on_delete=models.PROTECT, related_name="+"
    )
    goal = models.TextField(_("goal"))
    started_on = models.DateField(_("start"), null=True, blank=True)
    ended_on = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    outcome = models.TextField(_("outcome"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        indexes = [models.Index(fields=["case", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="intervention_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.type}"


class LifeDomainScore(models.Model):
    """A ZRM score (1 = acute problems … 5 = fully self-reliant) on one life domain at a date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="life_domain_scores")
    domain = models.ForeignKey(LifeDomain, verbose_name=_("life domain"), on_delete=models.PROTECT)
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    scored_on = models.DateField(_("date"))
    by = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["domain__order", "-scored_on"]
        verbose_name = _("life-domain score")
        verbose_name_plural = _("life-domain scores")
        indexes = [models.Index(fields=["case", "domain", "-scored_on"])]
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="zrm_score_1_to_5")]

    def __str__(self) -> str:
        return f"{self.case} {self.domain} {self.score}"


class PlanGoal(models.Model):
    """A goal of the plan of approach, per life domain."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACHIEVED = "achieved", _("achieved")
        DROPPED = "dropped", _("dropped")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_goals")
    domain = models.ForeignKey(LifeDomain, verbose_name=_("life domain"), on_delete=models.PROTECT)
    goal = models.TextField(_("goal"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    created_on = models.DateField(_("set on"), default=timezone.localdate)

    history = HistoricalRecords()

    class Meta:
        ordering = ["domain__order", "id"]
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan of approach")

    def __str__(self) -> str:
        return f"{self.case} {self.domain}"


class NetworkLink(models.Model):
    """A link between two cases; shown only to those who may see both (docs/domain.md)."""

    class Kind(models.TextChoices):
        SAME_NETWORK = "same_network", _("same network")
        KEY_LOCATION = "key_location", _("shared key location")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_from")
    other = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_to")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("network link")
        verbose_name_plural = _("network links")
        constraints = [
            models.UniqueConstraint(fields=["case", "other", "kind"], name="unique_network_link"),
            models.CheckConstraint(condition=~Q(case=models.F("other")), name="network_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.case} – {self.other}"


class Escalation(models.Model):
    """An escalation to ITAT-R(+) or a request to the PTO-R for a decision (an event, not a state)."""

    class Body(models.TextChoices):
        ITAT_R = "itat_r", _("ITAT-R")
        ITAT_R_PLUS = "itat_r_plus", _("ITAT-R+")
        PTO_R = "pto_r", _("PTO-R")

    class Request(models.TextChoices):
        ADVICE = "advice", _("advice on a stuck case")
        STATIC = "static", _("declare static")
        OUTFLOW = "outflow", _("outflow")
        REACTIVATE = "reactivate", _("end static")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    body = models.CharField(_("to"), max_length=20, choices=Body.choices)
    request = models.CharField(_("request"), max_length=20, choices=Request.choices, default=Request.ADVICE)
    question = models.TextField(_("question"))
    requested_on = models.DateField(_("requested on"), default=timezone.localdate)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self) -> str:
        return f"{self.case} → {self.get_body_display()}"


# --- access ----------------------------------------------------------------------------


class GrantQuerySet(models.QuerySet):
    def active(self, at=None):
        """Grants in force at `at` (default now): started, not ended, not revoked."""
        at = at or timezone.now()
        return self.filter(valid_from__lte=at, revoked_at__isnull=True).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=at)
        )


class CaseAccessGrant(models.Model):
    """Why someone may see a case: made and ended only by cases.permissions services."""

    class Kind(models.TextChoices):
        DIRECTOR = "director", _("case director")
        SUBSTITUTE = "substitute", _("substitute during absence")
        PARTNER = "partner", _("registered intervention partner")
        EXPLICIT = "explicit", _("explicit grant")
        MEETING = "meeting", _("invited to a meeting with the case on its agenda")

    FULL_ACCESS_KINDS = (Kind.DIRECTOR, Kind.SUBSTITUTE, Kind.EXPLICIT, Kind.MEETING)
    # The guardian permissions (codenames on Case) each kind of grant carries.
    PERMISSIONS_BY_KIND = {
        Kind.DIRECTOR: ("view_case", "change_case", "view_identity", "manage_registrations"),
        Kind.SUBSTITUTE: ("view_case", "change_case", "view_identity"),
        Kind.EXPLICIT: ("view_case",),
        Kind.MEETING: ("view_case",),
        Kind.PARTNER: ("view_need_to_know",),
    }

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="case_grants")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=300)
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateTimeField(_("from"), default=timezone.now)
    valid_until = models.DateTimeField(_("until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # What made the grant, when something other than a person ends it ("meeting:12": the
    # minutes' adoption ends the grants of that meeting's invitation).
    source = models.CharField(_("source"), max_length=40, blank=True, db_index=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        indexes = [models.Index(fields=["user", "case"], condition=Q(revoked_at__isnull=True), name="grant_open_idx")]

    def __str__(self) -> str:
        return f"{self.user} → {self.case} ({self.kind})"


class PartnerRegistration(models.Model):
    """The covenant form: an intervention partner registered on a case (docs/domain.md source S1)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="partner_registrations")
    organisation = models.ForeignKey("ipgar.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT)
    person = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.PROTECT, related_name="registrations")
    purpose = models.TextField(_("purpose"))
    interventions = models.ManyToManyField(Intervention, verbose_name=_("interventions concerned"), blank=True)
    registered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateTimeField(_("from"), default=timezone.now)
    valid_until = models.DateTimeField(_("until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("intervention-partner registration")
        verbose_name_plural = _("intervention-partner registrations")

    def __str__(self) -> str:
        return f"{self.person} → {self.case}"


# Direct foreign-key permission tables (docs/decisions.md D1): real joins, no text casts.
class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class LegalHold(models.Model):
    """The privacy officer's hold on a case: while it is open, retention leaves the case alone.

    Rows are never deleted: a lifted hold keeps who set and lifted it, when and why.
    `Case.legal_hold` mirrors "has an open hold" for retention's query; only
    `cases.retention.legal_hold_set` / `legal_hold_lift` write either.
    """

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.TextField(_("reason"))
    set_by = models.ForeignKey(User, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("set at"), default=timezone.now)
    lifted_by = models.ForeignKey(
        User, verbose_name=_("lifted by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        ordering = ["-set_at", "-id"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(lifted_at__isnull=True), name="one_open_legal_hold_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}"


# --- the permission engine: guardian's row, held under a grant in force ---------------------


def kinds_carrying(codename: str) -> list[str]:
    return [kind for kind, perms in CaseAccessGrant.PERMISSIONS_BY_KIND.items() if codename in perms]


def permitted(user, codename: str, case_ref: str = "pk", *, at=None):
    """SQL condition on a case reference: `user` holds guardian's `codename` on the case AND a
    grant of a kind that carries it is in force at `at` (default now).

    Guardian's direct-FK table says which actions a user holds on a case; the grant says why
    and for which period, checked against the clock here so a grant starts and stops at its
    exact time whatever the tidy-up task has done. Lists (`Case.objects.visible_to`) and
    one-object checks (`cases.permissions`) both use this one condition (docs/access.md).
    """
    guardian_row = CaseUserObjectPermission.objects.filter(
        user=user,
        content_object=OuterRef(case_ref),
        permission__codename=codename,
        permission__content_type__app_label="cases",
    )
    grant = CaseAccessGrant.objects.active(at).filter(
        case=OuterRef(case_ref), user=user, kind__in=kinds_carrying(codename)
    )
    return Exists(guardian_row) & Exists(grant)


# Stand-ins compiled into `permitted`'s SQL once, then swapped for the real values on each call.
_TEMPLATE_USER_ID = -7_340_017
_TEMPLATE_AT = dt.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=dt.UTC)


@functools.cache
def _granted_codenames_template() -> tuple[str, list]:
    """`permitted` for every codename of the case `"cases_case"."id"`, as one array expression
    compiled by the ORM once per process, with its parameters (stand-ins for user and time)."""
    codenames = sorted({c for carried in CaseAccessGrant.PERMISSIONS_BY_KIND.values() for c in carried})
    held = [
        models.Case(models.When(permitted(_TEMPLATE_USER_ID, codename, at=_TEMPLATE_AT), then=Value(codename)))
        for codename in codenames
    ]
    array = Func(*held, template="array_remove(ARRAY[%(expressions)s], NULL)", output_field=ArrayField(CharField()))
    sql, params = Case.objects.annotate(held=array).values("held").query.sql_with_params()
    return sql[len("SELECT ") : sql.rindex(' AS "held" FROM "cases_case"')], list(params)


def granted_codenames_sql(*, user_id: int, at) -> tuple[str, list]:
    """The codenames `user_id` holds at `at` on the case of the enclosing query over cases_case, as
    one SQL array: `permitted` for every codename, the ORM's own SQL compiled once per process
    (docs/access.md). Building ten `Exists` per case page cost more than the query (BENCHMARKS.md)."""
    sql, template_params = _granted_codenames_template()
    params = [user_id if p == _TEMPLATE_USER_ID else at if p == _TEMPLATE_AT else p for p in template_params]
    return sql, params
