"""One-time links for setting up two-factor authentication.

An administrator issues a link for one user (user admin action or `manage.py
issue_enrolment_link`). The user logs in with their password and opens the link; only then,
and only in that session, does /accounts/2fa/ show a new TOTP secret. Confirming a code
uses the link up. A link expires after IPGAR_ENROLMENT_LINK_HOURS; issuing a new one
withdraws the user's older unused links. In demo mode anyone may set up a device.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import EnrolmentLink, User

SESSION_KEY = "ipgar_enrolment_link"


def _hash(token: str) -> str:
    # The token carries 256 random bits: a plain digest is enough, no slow hash needed.
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def link_issue(*, user: User, by: User | None, hours: int | None = None) -> str:
    """A new link for `user`; returns the token (shown once). Older unused links stop working."""
    now = timezone.now()
    EnrolmentLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    EnrolmentLink.objects.create(
        user=user,
        token_hash=_hash(token),
        issued_by=by,
        issued_at=now,
        expires_at=now + dt.timedelta(hours=hours or settings.IPGAR_ENROLMENT_LINK_HOURS),
    )
    return token


def link_path(token: str) -> str:
    return reverse("enrol", args=[token])


def _usable(link: EnrolmentLink | None, user: User) -> bool:
    return link is not None and link.user_id == user.pk and link.used_at is None and link.expires_at > timezone.now()


def link_open(request, token: str) -> bool:
    """The logged-in user opens a link: remember it in the session when it is theirs and valid.

    Any unconfirmed device is dropped, so a secret shown before (to whoever had the password)
    is worth nothing.
    """
    link = EnrolmentLink.objects.filter(token_hash=_hash(token)).first()
    if not _usable(link, request.user):
        return False
    TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
    request.session[SESSION_KEY] = link.pk
    return True


def session_link(request) -> EnrolmentLink | None:
    """The valid link this session opened, if any."""
    pk = request.session.get(SESSION_KEY)
    link = EnrolmentLink.objects.filter(pk=pk).first() if pk else None
    return link if _usable(link, request.user) else None


def may_enrol(request) -> bool:
    return settings.DEMO_MODE or session_link(request) is not None


def link_use(request) -> bool:
    """Use up the session's link as the device is confirmed; False when it is no longer valid."""
    if settings.DEMO_MODE and not request.session.get(SESSION_KEY):
        return True
    link = session_link(request)
    request.session.pop(SESSION_KEY, None)
    if link is None:
        return False
    return EnrolmentLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now()) == 1


@admin.action(
    description=gettext_lazy("Issue a one-time link to set up two-factor authentication"), permissions=["change"]
)
def issue_links_action(_modeladmin, request, queryset):
    """User admin action: one link per selected user, shown once to the administrator."""
    from .admin import holds_more_than_the_administrator_may_grant

    with_device = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    for user in queryset.order_by("username"):
        if not request.user.is_superuser and holds_more_than_the_administrator_may_grant(user):
            messages.error(request, _("%(user)s: only a superuser issues this link.") % {"user": user.username})
        elif user.pk in with_device:
            messages.warning(
                request,
                _("%(user)s already has an authenticator; remove that device first.") % {"user": user.username},
            )
        else:
            url = request.build_absolute_uri(link_path(link_issue(user=user, by=request.user)))
            text = _("%(user)s: hand this link over in person or by a trusted channel (valid %(hours)s hours): %(url)s")
            messages.success(
                request, text % {"user": user.username, "hours": settings.IPGAR_ENROLMENT_LINK_HOURS, "url": url}
            )
