import pytest

from ipgar import access_log, roles
from ipgar.audit_views import _in_chunks
from ipgar.models import AccessLogEntry
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_export_walks_every_entry_across_chunk_boundaries(rf):
    request = rf.get("/cases/1/")
    request.user = UserFactory(role=roles.DIRECTOR)
    for case_id in range(7):
        access_log.denied(request, record_type="cases.case", record_id=case_id)
    expected = list(AccessLogEntry.objects.order_by("-at", "-id").values_list("pk", flat=True))
    assert [entry.pk for entry in _in_chunks(AccessLogEntry.objects.all(), size=3)] == expected
