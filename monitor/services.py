"""Writes of the monitor: frozen snapshots and the record of alert digests (docs/monitor.md)."""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import Case
from ipgar.dates import long_date

from . import alerts, disclosure
from . import figures as figures_module
from .models import AlertDigest, MonitorSnapshot
from .quarters import Quarter, quarter_of

logger = logging.getLogger(__name__)
Variant = MonitorSnapshot.Variant
# Monitors before the covenant's digital registration make no sense.
FIRST_YEAR = 2015


# One advisory lock per quarter; all monitor locks share this first key.
LOCK_KEY = 7_000_001


def _lock_quarter(quarter: Quarter) -> None:
    """Serialise builds of one quarter (two workers, a retry): the second waits, then finds it built."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_KEY, quarter.year * 10 + quarter.quarter])


def _try_lock_quarter(quarter: Quarter) -> None:
    """A person asking for a second generation while one runs is told so, not made to wait."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_KEY, quarter.year * 10 + quarter.quarter])
        (locked,) = cursor.fetchone()
    if not locked:
        raise ValidationError(
            _("The monitor of %(quarter)s is being made right now. Wait a minute and look again; nothing was changed.")
            % {"quarter": quarter.label},
            code="busy",
        )


def _validate(quarter: Quarter, *, today: dt.date) -> None:
    if quarter.quarter not in (1, 2, 3, 4):
        raise ValidationError(_("A quarter is 1, 2, 3 or 4."), code="bad_quarter")
    if quarter.year < FIRST_YEAR:
        raise ValidationError(_("There is no monitor before %(year)s.") % {"year": FIRST_YEAR}, code="too_early")
    if quarter >= quarter_of(today):
        raise ValidationError(
            _(
                "%(quarter)s has not ended yet (it ends on %(end)s): a monitor can be made only for a quarter "
                "that has ended."
            )
            % {"quarter": quarter.label, "end": quarter.end.strftime("%d-%m-%Y")},
            code="not_ended",
        )


def _validate_has_data(quarter: Quarter) -> None:
    """On demand, a quarter before the first report is a mistake (the scheduled build of an
    empty quarter is not: a new installation simply has nothing yet)."""
    first = Case.objects.order_by("reported_on").values_list("reported_on", flat=True).first()
    if first is None:
        raise ValidationError(_("There are no cases yet, so a monitor would be empty."), code="no_data")
    if quarter.end < first:
        raise ValidationError(
            _(
                "There are no cases before %(date)s, so the monitor of %(quarter)s would be empty; choose a "
                "later quarter."
            )
            % {"date": first.strftime("%d-%m-%Y"), "quarter": quarter.label},
            code="before_data",
        )


def _previous_releases(quarter: Quarter, *, exclude_version: int | None = None) -> list[disclosure.Release]:
    """Every released net monitor whose quarters overlap this one's trend (eight quarters either
    side), each version, with the gross figures of its own version: what partners already hold."""
    index = quarter.year * 4 + quarter.quarter
    window = Q()
    for offset in range(-figures_module.TREND_QUARTERS + 1, figures_module.TREND_QUARTERS):
        i = index + offset - 1
        window |= Q(year=i // 4, quarter=i % 4 + 1)
    nets = list(
        MonitorSnapshot.objects.filter(window, variant=Variant.NET, frozen=True, released=True, figures__schema=2)
        .order_by("year", "quarter", "version")
        .values_list("year", "quarter", "version", "figures")
    )
    if not nets:
        return []
    keys = Q()
    for year, number, version, _net in nets:
        keys |= Q(year=year, quarter=number, version=version)
    grosses = {
        (y, q, v): f
        for y, q, v, f in MonitorSnapshot.objects.filter(keys, variant=Variant.GROSS).values_list(
            "year", "quarter", "version", "figures"
        )
    }
    releases = []
    for year, number, version, net in nets:
        gross = grosses.get((year, number, version))
        if gross is None or ((year, number) == tuple(quarter) and version == exclude_version):
            continue
        releases.append(
            disclosure.release_of(
                gross=gross,
                net=net,
                name=f"{year} Q{number} v{version}",
                threshold=net["settings"]["threshold"],
            )
        )
    return releases


def _create_pair(*, quarter: Quarter, version: int, by, reason: str = "") -> tuple[MonitorSnapshot, MonitorSnapshot]:
    """Gross figures, then the net release: suppression and the disclosure audit at freeze.

    A net release whose audit fails is written (the programme team sees which cells and why)
    but not released: its readers keep the last released version.
    """
    gross = figures_module.compute(quarter)
    threshold = settings.IPGAR_NET_MONITOR_THRESHOLD
    name = f"{quarter.label} v{version}"
    hide, result, _release = disclosure.protect(
        gross, threshold=threshold, previous=_previous_releases(quarter), name=name
    )
    net = disclosure.net_figures(gross, threshold=threshold, hide=hide)
    common = {
        "year": quarter.year,
        "quarter": quarter.quarter,
        "version": version,
        "created_by": by,
        "frozen": True,
        "reason": reason,
    }
    if not result.passed:
        logger.warning("monitor %s: net release held back, disclosure audit failed: %s", name, result.failures)
    return (
        MonitorSnapshot.objects.create(variant=Variant.GROSS, figures=gross, **common),
        MonitorSnapshot.objects.create(
            variant=Variant.NET, figures=net, released=result.passed, audit=result.as_dict(), **common
        ),
    )


@transaction.atomic
def snapshot_build(*, year: int, quarter: int, by=None, today: dt.date | None = None) -> list[MonitorSnapshot]:
    """Gross and net of a quarter, once: when they exist already (a retry, beat twice) nothing changes.

    Called by the quarterly task and the demo. Both variants are written in one transaction,
    so a crash halfway leaves nothing and the retry builds the whole pair.
    """
    period = Quarter(year, quarter)
    _validate(period, today=today or timezone.localdate())
    _lock_quarter(period)
    existing = list(
        MonitorSnapshot.objects.filter(year=year, quarter=quarter, frozen=True).order_by("variant", "-version")
    )
    if existing:
        logger.info("monitor %s already built (%d snapshots): nothing to do", period.label, len(existing))
        return existing
    snapshots = list(_create_pair(quarter=period, version=1, by=by))
    logger.info("monitor %s built: gross and net version 1", period.label)
    return snapshots


@transaction.atomic
def snapshot_generate(
    *, year: int, quarter: int, by, reason: str = "", today: dt.date | None = None
) -> list[MonitorSnapshot]:
    """A new version of gross and net for a quarter, on demand by the programme team; older versions stay.

    Regenerating an existing quarter needs a reason, shown with the version. A
    second request while one runs is refused with a message; all or nothing is written.
    """
    period = Quarter(year, quarter)
    _validate(period, today=today or timezone.localdate())
    _validate_has_data(period)
    _try_lock_quarter(period)
    latest = MonitorSnapshot.objects.filter(year=year, quarter=quarter).aggregate(v=Max("version"))["v"] or 0
    if latest and not reason.strip():
        raise ValidationError(
            _("%(quarter)s has a monitor already: say why a new version is made.") % {"quarter": period.label},
            code="reason_required",
        )
    snapshots = list(_create_pair(quarter=period, version=latest + 1, by=by, reason=reason.strip()))
    logger.info("monitor %s generated by %s: version %d", period.label, by, latest + 1)
    return snapshots


def _digest_text(digest: dict[str, list[str]], *, on: dt.date) -> str:
    headings = {
        "no_contact": _("Cases without contact for more than %(days)s days") % {"days": settings.IPGAR_NO_CONTACT_DAYS},
        "no_intervention": _("Cases without an intervention for more than %(days)s days")
        % {"days": settings.IPGAR_NO_INTERVENTION_DAYS},
        "review_due": _("Your quarterly caseload review is due"),
        "pending_reports": _("Reports pending for more than %(days)s days")
        % {"days": settings.IPGAR_PENDING_REPORT_DAYS},
        "reviews_due": _("Directors whose caseload review is due"),
        "overdue_actions": _("Your meeting actions past their deadline"),
        "grants_ending": _("Your access to these cases ends within 7 days"),
    }
    lines = [_("Alerts of %(date)s") % {"date": long_date(on)}, ""]
    for key, items in digest.items():
        if not items:
            continue
        lines.append(f"{headings[key]} ({len(items)}):")
        lines.extend(f"  - {item}" for item in items if item != "caseload")
        lines.append("")
    return "\n".join(lines)


def alert_digests_send(*, on: dt.date) -> dict[str, int]:
    """Send each director and programme-team member one digest for `on`; a second run sends nothing.

    Called by monitor.tasks.send_daily_alerts. The AlertDigest row and the e-mail go together:
    a failed send rolls the row back, so the retry sends it; a sent digest is never resent.
    """
    result = {"sent": 0, "empty": 0, "skipped": 0}
    done = set(AlertDigest.objects.filter(on=on).values_list("recipient_id", flat=True))
    for user, digest in alerts.recipients(on):
        if user.pk in done:
            result["skipped"] += 1
            continue
        items = sum(len(v) for v in digest.values())
        try:
            with transaction.atomic():
                record = AlertDigest.objects.create(
                    on=on, recipient=user, items=items, counts={k: len(v) for k, v in digest.items()}
                )
                if items and user.email:
                    with translation.override(settings.LANGUAGE_CODE):
                        send_mail(
                            subject=_("iPGA-R: %(n)s alerts for %(date)s") % {"n": items, "date": long_date(on)},
                            message=_digest_text(digest, on=on),
                            from_email=None,
                            recipient_list=[user.email],
                        )
                    record.sent_at = timezone.now()
                    record.save(update_fields=["sent_at"])
                    result["sent"] += 1
                else:
                    result["empty"] += 1
        except IntegrityError:  # a concurrent run recorded this person first
            result["skipped"] += 1
            continue
        logger.info("alert digest %s for %s: %d items", on, user.get_username(), items)
    logger.info("alert digests %s: %s", on, result)
    return result
