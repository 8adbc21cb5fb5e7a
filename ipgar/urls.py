from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, register_converter
from django.views.generic import TemplateView

from . import views
from .auth import AdminLoginForm, LoginForm


class EnrolmentTokenConverter:
    """The random token of a one-time enrolment link (ipgar.enrolment): never personal data."""

    regex = "[A-Za-z0-9_-]{43}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(EnrolmentTokenConverter, "enrolmenttoken")

admin.site.site_header = "iPGA-R"
admin.site.site_title = "iPGA-R"
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/", views.two_factor, name="two_factor"),
    path("accounts/2fa/enrol/<enrolmenttoken:token>/", views.enrol, name="enrol"),
    path(
        "accessibility/",
        login_not_required(TemplateView.as_view(template_name="ipgar/accessibility.html")),
        name="accessibility",
    ),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("audit/", include("ipgar.audit_urls")),
    path("cases/", include("cases.urls")),
    path("access/", include("cases.access.urls")),
    path("pool/", include("pool.urls")),
    path("meetings/", include("meetings.urls")),
    path("monitor/", include("monitor.urls")),
    path("admin/", admin.site.urls),
]
