from django.conf import settings
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
