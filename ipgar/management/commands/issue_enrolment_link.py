"""Issue a one-time link through which a user sets up two-factor authentication."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ipgar import enrolment
from ipgar.models import User


class Command(BaseCommand):
    help = "Issue a one-time link to set up two-factor authentication (prints it once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--hours", type=int, default=None, help="validity (default IPGAR_ENROLMENT_LINK_HOURS)")
        parser.add_argument(
            "--base-url",
            default="",
            help="e.g. https://ipgar.example.nl (default: https:// and the first of DJANGO_ALLOWED_HOSTS)",
        )

    def handle(self, *args, username, hours, base_url, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if not base_url:
            hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host != "*"]
            base_url = f"{'http' if settings.DEBUG else 'https'}://{hosts[0] if hosts else 'localhost'}"
            if settings.DEBUG:
                base_url += ":8000"
        token = enrolment.link_issue(user=user, by=None, hours=hours)
        self.stdout.write(base_url.rstrip("/") + enrolment.link_path(token))
