from django.shortcuts import render

from ipgar import access_log


def minimal(request):
    """The reference page: same middleware (login, session, 2FA), one access-log write, a bare template."""
    access_log.record(request, record_type="benchmarks.minimal", record_id="0")
    return render(request, "benchmarks/minimal.html")
