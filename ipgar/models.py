"""Project-wide data: users, organisations (reference data) and the access log."""

from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A covenant partner, municipality or district (reference data, archived not deleted)."""

    class Kind(models.TextChoices):
        CORE_PARTNER = "core_partner", _("core partner")
        MUNICIPALITY = "municipality", _("municipality (Amstelland)")
        DISTRICT = "district", _("Amsterdam district")
        NATIONAL = "national", _("national organisation")
        OTHER = "other", _("other")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person using the application; the role comes from Django groups (ipgar.roles)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    function_title = models.CharField(_("function"), max_length=120, blank=True)
    # Public officials stay named in Woo publications (docs/meetings.md).
    is_public_official = models.BooleanField(_("public official"), default=False)
    # Created by seed_demo; refused at login outside demo mode.
    is_demo = models.BooleanField(_("demo account"), default=False)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class AccessLogEntry(models.Model):
    """One read of case data (NEN 7513 style). Append-only: the database refuses changes (ipgar.append_only)."""

    class Action(models.TextChoices):
        VIEW = "view", _("view")
        LIST = "list", _("list")
        SEARCH = "search", _("search")
        EXPORT = "export", _("export")
        DOWNLOAD = "download", _("download")
        PRINT = "print", _("print")

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("allowed")
        DENIED = "denied", _("denied")
        # Refused for the state of things, not for need-to-know: the programme team may read
        # the case but it cannot be assigned yet, is not on that agenda, and so on.
        NOT_POSSIBLE = "impossible", _("not possible")

    # Partitioned by month on `at` (ipgar.0009): BRIN and (at, id) indexes below, no plain btree.
    at = models.DateTimeField(_("when"), auto_now_add=True)
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.PROTECT, null=True, related_name="+")
    # Copied, not joined: the log must still say who it was after a rename or role change.
    username = models.CharField(_("username"), max_length=150)
    role = models.CharField(_("role"), max_length=60, blank=True)
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    record_type = models.CharField(_("record type"), max_length=60)
    record_id = models.CharField(_("record"), max_length=60, blank=True, db_index=True)
    record_label = models.CharField(_("record label"), max_length=60, blank=True)
    section = models.CharField(_("section"), max_length=60, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        # Created by the migration on the partitioned table (primary key (id, at) there); declared
        # here so Django knows them. See ipgar/migrations/0009_partition_access_log.py.
        indexes = [
            models.Index(fields=["record_type", "record_id", "-at"]),
            BrinIndex(fields=["at"], name="ipgar_acclog_at_brin"),
            models.Index(fields=["-at", "-id"], name="ipgar_acclog_at_id"),
            models.Index(Upper("username"), F("at").desc(), name="ipgar_acclog_username_upper"),
            # The case filter and the per-person view read one label newest first (ipgar.access_log_query).
            models.Index(fields=["record_label", "-at"], name="ipgar_acclog_label_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.record_type} {self.record_label}"


class RetentionLogEntry(models.Model):
    """What the retention task removed from one case. Append-only, like the access log (ipgar.append_only)."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    case_id = models.BigIntegerField(_("case id"))
    case_code = models.CharField(_("case code"), max_length=20)
    closed_on = models.DateField(_("outflow on"), null=True)
    # Which term applied ("included" or "report") and the day it fell due.
    rule = models.CharField(_("term"), max_length=20, blank=True)
    due_on = models.DateField(_("due on"), null=True)
    # {"identity": 7, "information_picture": 3, ...}: fields emptied, history rows included.
    removed = models.JSONField(_("removed"), default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("retention log entry")
        verbose_name_plural = _("retention log entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.case_code}"


class AccessLogReview(models.Model):
    """The privacy officer's note that a period, one entry or one signal of the log was reviewed.

    Append-only like the log itself: a later review adds a row, it does not change one
    (the database refuses changes, ipgar.append_only).
    """

    class Kind(models.TextChoices):
        PERIOD = "period", _("period")
        ENTRY = "entry", _("entry")
        SIGNAL = "signal", _("signal")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_until = models.DateField(_("until"), null=True, blank=True)
    # No database constraint: the partitioned log's key is (id, at) (ipgar.0009); entries are never deleted.
    entry = models.ForeignKey(
        AccessLogEntry,
        verbose_name=_("entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    # A signal is named by what it is about, e.g. "denials:jansen:2026-11-20".
    signal = models.CharField(_("signal"), max_length=200, blank=True)
    note = models.TextField(_("note"))
    reviewed_by = models.ForeignKey(User, verbose_name=_("reviewed by"), on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        verbose_name = _("access log review")
        verbose_name_plural = _("access log reviews")

    def __str__(self) -> str:
        return f"{self.reviewed_at:%Y-%m-%d} {self.kind}"


class RoleChangeLogEntry(models.Model):
    """Who changed whose role or rights, and why. Append-only, like the access log.

    `changes` holds what changed: {"roles_added": [...], "roles_removed": [...],
    "permissions_added": [...], "permissions_removed": [...], "is_staff": [old, new], ...}.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+")
    # Copied, not joined: the log must still say who it was after a rename.
    actor_username = models.CharField(_("by (username)"), max_length=150)
    subject = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_username = models.CharField(_("user (username)"), max_length=150, blank=True)
    subject_role = models.CharField(_("role"), max_length=150, blank=True)
    changes = models.JSONField(_("changes"), default=dict)
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.subject_username or self.subject_role}"


class EnrolmentLink(models.Model):
    """A one-time link, issued by an administrator, through which a user sets up TOTP.

    Outside demo mode this is the only way to a first authenticator: knowing a new user's
    password is not enough to own their second factor. Only a SHA-256 of the
    token is kept; the token itself is shown once, to the administrator who issues it.
    """

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    issued_by = models.ForeignKey(
        User, verbose_name=_("issued by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("enrolment link")
        verbose_name_plural = _("enrolment links")

    def __str__(self) -> str:
        return f"{self.user} {self.issued_at:%Y-%m-%d %H:%M}"
