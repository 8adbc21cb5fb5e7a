"""Authentication: the demo-aware backend, the login forms and login throttling."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db.models import Sum


class DemoAwareModelBackend(ModelBackend):
    """The model backend, refusing demo accounts outside demo mode."""

    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEMO_MODE:
            return False
        return super().user_can_authenticate(user)


def _limit_username_length(form: forms.Form) -> None:
    # AuthenticationForm sets max_length on the field after it is built, so nothing checks it;
    # a longer name then reached authenticate() and axes' 255-character column (a 500).
    field = form.fields["username"]
    max_length = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD).max_length
    field.max_length = max_length
    field.validators = [*field.validators, MaxLengthValidator(max_length)]


class LoginForm(AuthenticationForm):
    """The login form; a too-long username is a form error, never a login attempt."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_username_length(self)


class AdminLoginForm(AdminAuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_username_length(self)


class LoginThrottle(AxesDatabaseHandler):
    """django-axes with two limits (see AXES_LOCKOUT_PARAMETERS in settings).

    - One address and one username: locked after AXES_FAILURE_LIMIT failures. This stops a
      single attacker and locks out nobody else.
    - One username from any address: locked after IPGAR_LOGIN_ACCOUNT_FAILURE_LIMIT failures,
      so guessing from many addresses is bounded too. Reaching it takes at least
      limit / AXES_FAILURE_LIMIT different addresses, so one attacker cannot lock a user out
      everywhere.

    axes compares one number with one limit, so the account-wide count is scaled onto
    AXES_FAILURE_LIMIT: it reaches that limit exactly when the account has had
    IPGAR_LOGIN_ACCOUNT_FAILURE_LIMIT failures.
    """

    def get_failures(self, request, credentials=None) -> int:
        limit = get_failure_limit(request, credentials)
        account_limit = settings.IPGAR_LOGIN_ACCOUNT_FAILURE_LIMIT
        parameters = get_lockout_parameters(request, credentials)
        worst = 0
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if parameter == "username":
                failures = failures * limit // account_limit
            worst = max(worst, failures)
        return worst

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A successful login forgives that user's own failures from that address only: it
        # must not wipe an attacker's count from elsewhere, for this account or any other.
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count
