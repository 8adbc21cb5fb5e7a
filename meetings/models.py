"""Meeting bodies, meetings, agendas and decisions (docs/meetings.md).

The cases app depends on Decision: inclusion, outflow and static are made from a PTO-R
decision and from nothing else.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

User = settings.AUTH_USER_MODEL


class MeetingBody(models.Model):
    """A kind of meeting with its members and rhythm (PTO-R, team meeting, ITAT-R …)."""

    class Kind(models.TextChoices):
        PTO_R = "pto_r", _("PTO-R")
        DIRECTORS = "directors", _("Directors' meeting Safety & Care")
        TEAM = "team", _("iPGA-R team meeting")
        ITAT_R = "itat_r", _("ITAT-R")
        ITAT_R_PLUS = "itat_r_plus", _("ITAT-R+")
        IVG_R = "ivg_r", _("IVG-R")
        INTERVISION = "intervision", _("Intervision")
        STEERING_GROUP = "steering_group", _("Steering group")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, unique=True)
    name = models.CharField(_("name"), max_length=150)
    rhythm_weeks = models.PositiveSmallIntegerField(_("every … weeks"), null=True, blank=True)
    member_organisations = models.ManyToManyField(
        "ipgar.Organisation", verbose_name=_("member organisations"), blank=True
    )
    members = models.ManyToManyField(User, verbose_name=_("members"), blank=True, related_name="meeting_bodies")

    class Meta:
        ordering = ["name"]
        verbose_name = _("meeting body")
        verbose_name_plural = _("meeting bodies")

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    body = models.ForeignKey(MeetingBody, verbose_name=_("body"), on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start"), null=True, blank=True)
    end_time = models.TimeField(_("end"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=150, blank=True)
    chair = models.ForeignKey(
        User, verbose_name=_("chair"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    secretary = models.ForeignKey(
        User, verbose_name=_("secretary"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    has_closed_part = models.BooleanField(_("has a closed part"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["body", "-date"])]
        # Held per meeting in guardian's tables below (docs/access.md, "Taking minutes").
        permissions = [("take_minutes", _("Can take the minutes of the meeting"))]

    def __str__(self) -> str:
        from ipgar.dates import short_date

        return f"{self.body.name} {short_date(self.date)}"


# Direct foreign-key permission tables, as for cases (docs/decisions.md D1): real joins.
class MeetingUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Meeting, on_delete=models.CASCADE)


class MeetingGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Meeting, on_delete=models.CASCADE)


class Invitation(models.Model):
    """Who is invited to a meeting, and afterwards how they attended."""

    class Attendance(models.TextChoices):
        INVITED = "invited", _("invited")
        PRESENT = "present", _("present")
        ABSENT = "absent", _("absent")
        COMMENTS_BY_EMAIL = "comments_by_email", _("absent, comments by e-mail")
        GUEST = "guest", _("guest")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations")
    organisation = models.ForeignKey("ipgar.Organisation", on_delete=models.PROTECT, null=True, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.INVITED
    )
    admitted_to_closed_part = models.BooleanField(_("admitted to the closed part"), default=False)
    comment = models.CharField(_("comment"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(organisation__isnull=False), name="invitation_has_someone"
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="one_invitation_per_user"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user or self.organisation)


class AgendaItem(models.Model):
    class Section(models.TextChoices):
        GENERAL = "general", _("general")
        CASES = "cases", _("cases")

    class Kind(models.TextChoices):
        REGULAR = "regular", _("regular item")
        PREVIOUS_MINUTES = "previous_minutes", _("adoption of the previous minutes")
        ACTIONS = "actions", _("action list")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    section = models.CharField(_("section"), max_length=20, choices=Section.choices, default=Section.GENERAL)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    is_closed_part = models.BooleanField(_("closed part"), default=False)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    # Fixed items put on automatically (docs/meetings.md), the question to the body, the Woo ground.
    kind = models.CharField(_("kind of item"), max_length=20, choices=Kind.choices, default=Kind.REGULAR)
    description = models.TextField(_("description or question"), blank=True)
    refers_to_meeting = models.ForeignKey(
        "Meeting",
        verbose_name=_("minutes to adopt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    woo_ground = models.CharField(_("Woo ground when withheld"), max_length=12, blank=True)
    # A closed-part item published with passages withheld instead of withheld whole (docs/meetings.md).
    woo_partial = models.BooleanField(_("publish the closed item in part"), default=False)

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """A numbered decision (BESLUIT); a PTO-R decision about a case carries its transition."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("general")
        INCLUSION = "inclusion", _("inclusion")
        NOT_INCLUDED = "not_included", _("not included")
        STATIC = "static", _("declare static")
        REACTIVATE = "reactivate", _("end static")
        OUTFLOW = "outflow", _("outflow to aftercare")
        CLOSE = "close", _("close after aftercare")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    text = models.TextField(_("decision"))
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    director = models.ForeignKey(
        "pool.Director", verbose_name=_("director (inclusion)"), on_delete=models.PROTECT, null=True, blank=True
    )
    outflow_reason = models.ForeignKey(
        "cases.OutflowReason", verbose_name=_("outflow reason"), on_delete=models.PROTECT, null=True, blank=True
    )
    applied_at = models.DateTimeField(_("applied to the case at"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="unique_decision_number")]

    def __str__(self) -> str:
        return _("Decision %(number)s of %(meeting)s") % {"number": self.number, "meeting": self.meeting}

    def is_pto_r_for(self, case) -> bool:
        """True when this is a decision of a PTO-R meeting about this very case."""
        return self.case_id == case.pk and self.meeting.body.kind == MeetingBody.Kind.PTO_R


# --- minutes -------------------------------------------------------------------
# Everything below is additive to the core models above, which cases.services relies on.


class Minutes(models.Model):
    """The minutes of one meeting: draft → circulated → adopted at a later meeting, then locked."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        CIRCULATED = "circulated", _("circulated")
        ADOPTED = "adopted", _("adopted")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    circulated_at = models.DateTimeField(_("circulated at"), null=True, blank=True)
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)
    adopted_at_meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("adopted at meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_minutes",
    )
    adoption_changes = models.TextField(_("textual changes at adoption"), blank=True)
    adopted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The action list and forward agenda as they stood at adoption, frozen with the minutes.
    frozen_actions = models.JSONField(null=True, blank=True, editable=False)
    frozen_forward = models.JSONField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return str(self.meeting)

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.ADOPTED


class MinuteEntry(models.Model):
    """What was said under an agenda item: an announcement, a statement or a note."""

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("announcement")
        STATEMENT = "statement", _("statement")
        NOTE = "note", _("note")

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STATEMENT)
    organisation = models.ForeignKey(
        "ipgar.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, null=True, blank=True
    )
    person = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("text"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["agenda_item", "order", "id"]
        verbose_name = _("minute entry")
        verbose_name_plural = _("minute entries")

    def __str__(self) -> str:
        return self.text[:60]


class ActionItem(models.Model):
    """An action of a body's action list; it carries over to every next meeting until done."""

    body = models.ForeignKey(MeetingBody, on_delete=models.PROTECT, related_name="actions")
    meeting = models.ForeignKey(Meeting, verbose_name=_("agreed at"), on_delete=models.PROTECT, related_name="actions")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("action(s)"))
    owner = models.ForeignKey(
        User, verbose_name=_("owner"), on_delete=models.PROTECT, null=True, blank=True, related_name="meeting_actions"
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_text = models.CharField(_("deadline (as agreed)"), max_length=100, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_at_meeting = models.ForeignKey(
        Meeting, verbose_name=_("done at meeting"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting__date", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("action list")
        indexes = [models.Index(fields=["body", "done_on"])]

    def __str__(self) -> str:
        return self.subject


class ForwardAgendaItem(models.Model):
    """A planned topic of a body (termijnagenda), with a target date or meeting."""

    body = models.ForeignKey(MeetingBody, on_delete=models.PROTECT, related_name="forward_items")
    topic = models.CharField(_("topic"), max_length=200)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    target_meeting = models.ForeignKey(
        Meeting, verbose_name=_("target meeting"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_text = models.CharField(_("when (as planned)"), max_length=100, blank=True)
    still_to_plan = models.BooleanField(_("still to be planned"), default=False)
    done = models.BooleanField(_("done"), default=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["target_date", "id"]
        verbose_name = _("forward agenda item")
        verbose_name_plural = _("forward agenda")

    def __str__(self) -> str:
        return self.topic


class MinutesAmendment(models.Model):
    """A correction made after adoption: recorded, never an edit of the locked minutes."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="amendments")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField(_("correction"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self) -> str:
        return self.text[:60]


class Redaction(models.Model):
    """A passage of a minute entry the secretary marked for the Woo publication, with its ground."""

    entry = models.ForeignKey(MinuteEntry, on_delete=models.CASCADE, related_name="redactions")
    start = models.PositiveIntegerField(_("from character"))
    end = models.PositiveIntegerField(_("to character"))
    ground = models.CharField(_("ground"), max_length=12)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["entry", "start"]
        verbose_name = _("redaction")
        verbose_name_plural = _("redactions")
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="redaction_span")]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.start}-{self.end} {self.ground}"


# --- Woo publication ----------------------------------------------------------------


class WooMark(models.Model):
    """The secretary's judgement of one passage of any text of the minutes for the Woo release:
    withhold it on a ground, or keep a flagged finding public (a false alarm of the detector)."""

    class Target(models.TextChoices):
        ENTRY = "entry", _("minute entry")
        DECISION = "decision", _("decision")
        ITEM_TITLE = "item_title", _("item title")
        ITEM_DESCRIPTION = "item_description", _("item description")
        ACTION_SUBJECT = "action_subject", _("action subject")
        ACTION_DESCRIPTION = "action_description", _("action")
        FORWARD_TOPIC = "forward_topic", _("forward agenda topic")
        ATTENDANCE = "attendance", _("attendance remark")
        AMENDMENT = "amendment", _("amendment")
        ADOPTION = "adoption", _("textual changes at adoption")

    class Decision(models.TextChoices):
        WITHHOLD = "withhold", _("withhold")
        KEEP = "keep", _("keep public")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="woo_marks")
    target = models.CharField(_("text"), max_length=30, choices=Target.choices)
    target_id = models.PositiveIntegerField()
    start = models.PositiveIntegerField(_("from character"))
    end = models.PositiveIntegerField(_("to character"))
    passage = models.TextField(_("passage"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.WITHHOLD)
    ground = models.CharField(_("ground"), max_length=12, blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "target", "target_id", "start"]
        verbose_name = _("Woo redaction")
        verbose_name_plural = _("Woo redactions")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="woo_mark_span"),
            models.CheckConstraint(condition=Q(decision="keep") | ~Q(ground=""), name="woo_mark_withhold_has_ground"),
        ]

    def __str__(self) -> str:
        return f"{self.target}:{self.target_id} {self.start}-{self.end} {self.decision} {self.ground}"


class WooPublication(models.Model):
    """A release prepared by the secretary, waiting for the Woo coordinator (four eyes).

    It holds exactly what will be released (the redacted PDF and its DiWoo XML), so the
    coordinator approves those bytes and nothing rendered later."""

    class Status(models.TextChoices):
        PREPARED = "prepared", _("prepared, awaiting approval")
        APPROVED = "approved", _("approved and released")
        REJECTED = "rejected", _("sent back")
        SUPERSEDED = "superseded", _("superseded by a later preparation")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="woo_publications")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREPARED)
    reason = models.TextField(_("reason for a corrected version"), blank=True)
    html = models.TextField()
    pdf = models.BinaryField()
    xml = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    prepared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-prepared_at", "-id"]
        verbose_name = _("prepared Woo publication")
        verbose_name_plural = _("prepared Woo publications")

    def __str__(self) -> str:
        return f"{self.meeting} ({self.status})"


class WooRelease(models.Model):
    """A released version: immutable (the database refuses UPDATE and DELETE). A correction is
    a new version with a reason; the earlier one stays retrievable."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="woo_releases")
    version = models.PositiveSmallIntegerField(_("version"))
    publication = models.OneToOneField(WooPublication, on_delete=models.PROTECT, related_name="release")
    pdf = models.BinaryField()
    xml = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)
    xml_sha256 = models.CharField(max_length=64)
    sha256 = models.CharField(_("SHA-256 of PDF and XML"), max_length=64)
    reason = models.TextField(_("reason for this version"), blank=True)
    prepared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"))

    class Meta:
        ordering = ["meeting", "version"]
        verbose_name = _("Woo release")
        verbose_name_plural = _("Woo releases")
        permissions = [("approve_woo_release", "Can approve a Woo release (Woo coordinator)")]
        constraints = [models.UniqueConstraint(fields=["meeting", "version"], name="one_release_per_version")]
        triggers = [
            pgtrigger.Protect(name="woo_release_immutable", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} v{self.version}"
