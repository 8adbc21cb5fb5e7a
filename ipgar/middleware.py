import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse

# Paths a logged-in but not yet verified user may reach: the 2FA pages themselves,
# logout, the language switch, health and static files.
_OTP_EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/healthz", "/static/")


class RequireTwoFactorMiddleware:
    """Outside demo mode every role must pass TOTP verification after the password."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.OTP_REQUIRED
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_OTP_EXEMPT_PREFIXES)
        ):
            return redirect(f"{reverse('two_factor')}?next={request.path}")
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages for logged-in users may carry case data: never let a cache keep them (ASVS 8.2.1)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated or request.path.startswith("/accounts/"):
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response


class DemoErrorPagesMiddleware:
    """In demo mode (DEBUG) a denial shows the same Dutch page as in production.

    Django's DEBUG pages are for developers; a demo user who opens a case she may not see
    should read "not found or no access", not an English technical page. Only denials
    (404, 403) are rendered here; a server error keeps Django's debug page in DEBUG.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # An address that matches no URL pattern never reaches a view: replace Django's
        # technical 404 page too.
        if (
            settings.DEBUG
            and response.status_code == 404
            and not getattr(response, "ipgar_error_page", False)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return self._render(request, 404)
        return response

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        if not settings.DEBUG:
            return None
        if isinstance(exception, Http404):
            return self._render(request, 404)
        if isinstance(exception, PermissionDenied):
            return self._render(request, 403)
        return None

    @staticmethod
    def _render(request, status):
        from django.shortcuts import render

        response = render(request, f"{status}.html", status=status)
        response.ipgar_error_page = True
        return response


SESSION_LOGIN_AT = "ipgar_login_at"


@receiver(user_logged_in, dispatch_uid="ipgar-session-login-at")
def _stamp_login(*, request, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LOGIN_AT] = int(time.time())


class SessionLifetimeMiddleware:
    """An absolute session lifetime besides the sliding idle timeout (ASVS 3.3.1/3.3.3).

    Login stamps the time in the session (passing the second factor keeps it); after
    IPGAR_SESSION_ABSOLUTE_SECONDS the session is ended however active it is, and the next
    page asks for a login again. A session without a stamp (one from before this check)
    gets one at its first request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_LOGIN_AT)
            if started is None:
                request.session[SESSION_LOGIN_AT] = now
            elif now - int(started) >= settings.IPGAR_SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return self.get_response(request)


SUBMISSION_FIELD = "_submission"


class SubmitOnceMiddleware:
    """A double click or a resent form does not save twice.

    A POST form carries a one-time token (`{% submission_token %}`). The first request with a
    token claims it atomically in the cache; a second one with the same token waits for the
    first to finish and is sent where the first went, with a note that it was saved once. A
    request that ended in a form with errors releases its token: the re-rendered form has a
    new one anyway.
    """

    WAIT_SECONDS = 10
    KEEP_SECONDS = 3600

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request.POST.get(SUBMISSION_FIELD, "") if request.method == "POST" else ""
        user = getattr(request, "user", None)
        if not token or user is None or not user.is_authenticated or len(token) > 64:
            return self.get_response(request)
        from django.core.cache import caches

        cache = caches["shared"]  # every gunicorn worker sees a claim
        key = f"submission:{user.pk}:{token}"
        if not cache.add(key, "", self.KEEP_SECONDS):
            return self._duplicate(request, cache, key)
        response = self.get_response(request)
        if response.status_code in (301, 302, 303):
            cache.set(key, response["Location"], self.KEEP_SECONDS)
        else:
            cache.delete(key)
        return response

    def _duplicate(self, request, cache, key):
        from django.contrib import messages
        from django.shortcuts import redirect
        from django.utils.translation import gettext as _

        deadline = time.monotonic() + self.WAIT_SECONDS
        target = cache.get(key)
        while target == "" and time.monotonic() < deadline:
            time.sleep(0.2)
            target = cache.get(key)
        messages.info(request, _("This form had already been sent; it was saved once."))
        return redirect(target or request.get_full_path())


class DenialAs404Middleware:
    """A PermissionDenied from any view or service answers 404, and the denial is logged.

    Pages never say 403 (no existence leak, docs/access.md): services raise PermissionDenied
    for a missing right, and this one place turns it into a logged "not found" - the record
    type is the URL's namespace and name, the id its first argument.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from . import access_log

        if not isinstance(exception, PermissionDenied):
            return None
        match = getattr(request, "resolver_match", None)
        record_type = match.view_name.replace(":", ".") if match is not None else request.path
        record_id = next(iter(match.kwargs.values()), "") if match is not None else ""
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            access_log.denied(request, record_type=record_type, record_id=record_id)
        raise Http404 from exception
