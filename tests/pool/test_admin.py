"""Every pool model has an admin page that opens for an administrator."""

import pytest
from django.contrib import admin
from django.urls import reverse

from pool import models

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    [
        models.Director,
        models.Absence,
        models.CaseloadReview,
        models.Instruction,
        models.ThreeWayConversation,
        models.Contact,
    ],
)
def test_changelist_opens(admin_client, model):
    assert model in admin.site._registry
    url = reverse(f"admin:pool_{model._meta.model_name}_changelist")
    assert admin_client.get(url).status_code == 200
