"""The authorization matrix for the admin's case pages (docs/access.md, "How access is tested").

The project matrix (test_matrix.py) skips the admin namespace. Here every role gets staff status
and the view and change permissions of the case models, the strongest a superuser could hand
out by mistake, so that need-to-know (`Case.objects.visible_to`) alone decides: every change,
history and history-version page of own / substituted / other / partner-registered cases
answers as the case file does, a POST to a history version (a "revert") is refused, the
identity has no admin pages at all, and no refused page shows identity or information picture.
"""

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction

from cases.models import Case, CaseIdentity, Contact, Intervention, PlanGoal
from tests.access.test_matrix import (
    CASE_VARIANTS,
    DIR,
    NO,
    OK,
    OTHER,
    OWN,
    PT,
    REG,
    ROLES,
    SUB,
    build_world,
    forbidden_values,
)
from tests.cases.factories import ContactFactory

MODELS = (Case, Contact, Intervention, PlanGoal)
REFUSED = 405  # a history version is never posted back


def _reads_case(role, variant) -> bool:
    return role == PT or (role == DIR and variant in (OWN, SUB))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        built = build_world()
        built.contacts = {variant: ContactFactory(case=t.case) for variant, t in built.targets.items()}
        permissions = Permission.objects.filter(
            content_type__app_label="cases",
            codename__in=[
                f"{action}_{model._meta.model_name}"
                for action in ("view", "change")
                for model in (*MODELS, CaseIdentity)
            ],
        )
        for user in built.users.values():
            user.is_staff = True
            user.save()
            user.user_permissions.add(*permissions)
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def _object(world, model, variant):
    target = world.targets[variant]
    return {
        Case: target.case,
        Contact: world.contacts[variant],
        Intervention: target.intervention,
        PlanGoal: target.goal,
        CaseIdentity: target.case.identity,
    }[model]


def _pages(model, obj):
    history_id = model.history.filter(**{model._meta.pk.attname: obj.pk}).latest("history_date").history_id
    base = f"/admin/cases/{model._meta.model_name}/{obj.pk}"
    return {
        "change": f"{base}/change/",
        "history": f"{base}/history/",
        "history_version": f"{base}/history/{history_id}/",
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
@pytest.mark.django_db
def test_admin_case_pages_follow_need_to_know(client, world, model):
    failures = []
    for variant in CASE_VARIANTS:
        for page, url in _pages(model, _object(world, model, variant)).items():
            for role in ROLES:
                client.force_login(world.users[role])
                expected = OK if _reads_case(role, variant) else NO
                response = client.get(url)
                if response.status_code != expected:
                    failures.append(f"{role} {variant} {page} {url}: {response.status_code}, expected {expected}")
                    continue
                body = response.content.decode(errors="replace")
                leaked = [value for value in forbidden_values(world, role) if value and value in body]
                if leaked:
                    failures.append(f"{role} {variant} {page}: shows {leaked}")
                if page == "history_version":
                    response = client.post(url, {"note": "teruggezet", "goal": "teruggezet"})
                    expected = REFUSED if expected == OK else NO
                    if response.status_code != expected:
                        failures.append(f"{role} {variant} POST {url}: {response.status_code}, expected {expected}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_the_identity_has_no_admin_pages_for_any_role(client, world):
    failures = []
    for variant in (OWN, SUB, OTHER, REG):
        identity = _object(world, CaseIdentity, variant)
        urls = ["/admin/cases/caseidentity/", *_pages(CaseIdentity, identity).values()]
        for role in ROLES:
            client.force_login(world.users[role])
            for url in urls:
                for method in ("get", "post"):
                    response = getattr(client, method)(url, {"last_name": "Overschreven"})
                    if response.status_code != NO:
                        failures.append(f"{role} {method} {url}: {response.status_code}")
                    if identity.last_name in response.content.decode(errors="replace"):
                        failures.append(f"{role} {method} {url}: shows the identity")
        identity.refresh_from_db()
        assert identity.last_name != "Overschreven"
    assert not failures, "\n".join(failures)
