"""The administrator on a fresh install, and without a way up to another role's rights.

Fresh install: `migrate` ends by sending post_migrate for every app in INSTALLED_APPS order;
the administrator's permissions must be synced after the last app's permissions exist. The
fixture below deletes every permission and sends the signals exactly as `migrate` does, so
the tests run on what a freshly migrated database holds, not on what the test conftest
restores.
"""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal
from django.urls import reverse

from cases.models import Area, Ideology, InterventionType, LifeDomain, OutflowReason, ReportSource, RiskCategory
from ipgar import roles
from ipgar.models import AccessLogEntry, Organisation, RoleChangeLogEntry, User
from meetings.models import MeetingBody
from tests.cases.factories import ProgrammeUserFactory
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db

REFERENCE_MODELS = [
    InterventionType,
    RiskCategory,
    Ideology,
    LifeDomain,
    ReportSource,
    OutflowReason,
    Area,
    Organisation,
    MeetingBody,
]

# The administrator role, exactly (docs/access.md, "Roles"): users, roles read-only, reference data.
EXPECTED_PERMISSIONS = {
    "auth.view_group",
    "ipgar.add_user",
    "ipgar.change_user",
    "ipgar.view_user",
    "ipgar.view_rolechangelogentry",
    "ipgar.add_organisation",
    "ipgar.change_organisation",
    "ipgar.delete_organisation",
    "ipgar.view_organisation",
    "meetings.add_meetingbody",
    "meetings.change_meetingbody",
    "meetings.view_meetingbody",
    *(
        f"cases.{action}_{model}"
        for model in (
            "interventiontype",
            "riskcategory",
            "ideology",
            "lifedomain",
            "reportsource",
            "outflowreason",
            "area",
        )
        for action in ("add", "change", "delete", "view")
    ),
}


@pytest.fixture
def fresh_install():
    """Every permission gone, then the post_migrate signals that end `migrate` (in a rolled-back test)."""
    Permission.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


@pytest.fixture
def administrator():
    return UserFactory(username="beheerder", role=roles.ADMINISTRATOR, is_staff=True)


def _group_permissions(name):
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=name).permissions.values_list("content_type__app_label", "codename")
    }


def test_a_fresh_install_gives_the_administrator_exactly_its_role(fresh_install):
    assert _group_permissions(roles.ADMINISTRATOR) == EXPECTED_PERMISSIONS


def test_extra_permissions_on_the_administrators_group_are_taken_away_at_migrate():
    group = Group.objects.get(name=roles.ADMINISTRATOR)
    group.permissions.add(
        Permission.objects.get(codename="change_group"),
        Permission.objects.get(content_type__app_label="axes", codename="delete_accessattempt"),
        Permission.objects.get(content_type__app_label="admin", codename="change_logentry"),
    )
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert _group_permissions(roles.ADMINISTRATOR) == EXPECTED_PERMISSIONS


@pytest.mark.parametrize("model", REFERENCE_MODELS, ids=lambda m: m._meta.model_name)
def test_on_a_fresh_install_the_administrator_opens_every_reference_list(fresh_install, client, administrator, model):
    client.force_login(administrator)
    info = model._meta.app_label, model._meta.model_name
    changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
    assert changelist.status_code == 200
    assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200
    row = model.objects.order_by("pk").first()
    assert client.get(reverse("admin:{}_{}_change".format(*info), args=[row.pk])).status_code == 200


def test_the_admin_index_lists_the_reference_lists_in_dutch(fresh_install, client, administrator):
    client.force_login(administrator)
    body = client.get(reverse("admin:index")).content.decode()
    for name in (
        "Interventiepallet",
        "Risicocategorieën",
        "Ideologieën",
        "Leefgebieden",
        "Bronnen van meldingen",
        "Redenen van uitstroom",
        "Gebieden",
        "Organisaties",
        "Overleggen",
        "Gebruikers",
        "Rollen",
    ):
        assert name in body, name


# --- no way up --------------------------------------------------------------------------------------------


def _user_form(user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "organisation": user.organisation_id or "",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "groups": [group.pk for group in user.groups.all()],
        "reason": "",
    }
    data.update(changes)
    return data


def _group(name):
    return Group.objects.get(name=name).pk


def test_the_administrator_cannot_edit_their_own_account_into_more(client, administrator):
    client.force_login(administrator)
    url = reverse("admin:ipgar_user_change", args=[administrator.pk])
    all_permissions = list(Permission.objects.values_list("pk", flat=True))
    response = client.post(
        url,
        _user_form(
            administrator,
            is_superuser="on",
            is_staff="on",
            groups=[_group(roles.ADMINISTRATOR), _group(roles.PROGRAMME_TEAM)],
            user_permissions=all_permissions,
            reason="test",
        ),
    )
    assert response.status_code == 404
    administrator.refresh_from_db()
    assert not administrator.is_superuser
    assert set(administrator.groups.values_list("name", flat=True)) == {roles.ADMINISTRATOR}
    assert not administrator.user_permissions.exists()


def test_the_user_form_offers_administrators_no_superuser_staff_or_permissions(client, administrator):
    other = UserFactory(username="nieuwe-regisseur")
    client.force_login(administrator)
    body = client.get(reverse("admin:ipgar_user_change", args=[other.pk])).content.decode()
    assert 'name="is_superuser"' not in body
    assert 'name="is_staff"' not in body
    assert 'name="user_permissions"' not in body
    assert 'name="groups"' in body
    assert "Casusregisseur" in body  # roles by their Dutch names
    assert "programme_team" not in body


@pytest.mark.parametrize("role", [roles.PROGRAMME_TEAM, roles.ADMINISTRATOR, roles.PRIVACY_OFFICER])
def test_the_administrator_cannot_grant_a_protected_role(client, administrator, role):
    other = UserFactory(username="gewone-gebruiker")
    client.force_login(administrator)
    response = client.post(
        reverse("admin:ipgar_user_change", args=[other.pk]),
        _user_form(other, groups=[_group(role)], is_superuser="on", is_staff="on", reason="promotie"),
    )
    assert response.status_code == 200  # the form again, with the error on groups
    other.refresh_from_db()
    assert not other.groups.exists()
    assert not other.is_superuser
    assert not other.is_staff
    assert not RoleChangeLogEntry.objects.exists()


def test_the_administrator_cannot_take_over_a_programme_team_account(client, administrator):
    member = ProgrammeUserFactory(username="pt-lid")
    client.force_login(administrator)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[member.pk]),
        {"password1": "Overgenomen-2026!", "password2": "Overgenomen-2026!"},
    )
    assert response.status_code == 404
    member.refresh_from_db()
    assert not member.check_password("Overgenomen-2026!")
    response = client.post(
        reverse("admin:ipgar_user_change", args=[member.pk]), _user_form(member, groups=[], reason="weg")
    )
    assert response.status_code == 404
    assert member.groups.filter(name=roles.PROGRAMME_TEAM).exists()


def test_an_account_in_a_group_outside_the_roles_is_read_only_to_the_administrator(client, administrator):
    helpdesk = Group.objects.create(name="helpdesk")
    helpdesk.permissions.add(Permission.objects.get(codename="change_group"))
    member = UserFactory(username="helpdesk-lid")
    member.groups.add(helpdesk)
    client.force_login(administrator)
    response = client.post(
        reverse("admin:ipgar_user_change", args=[member.pk]), _user_form(member, groups=[], reason="weg")
    )
    assert response.status_code == 404
    assert member.groups.filter(name="helpdesk").exists()


def test_the_administrator_cannot_edit_roles(client, administrator):
    client.force_login(administrator)
    group = Group.objects.get(name=roles.ADMINISTRATOR)
    everything = list(Permission.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]), {"name": group.name, "permissions": everything}
    )
    assert response.status_code == 404
    assert client.post(reverse("admin:auth_group_add"), {"name": "root", "permissions": everything}).status_code == 404
    assert not Group.objects.filter(name="root").exists()
    assert _group_permissions(roles.ADMINISTRATOR) == EXPECTED_PERMISSIONS
    # The role is still readable, in Dutch.
    body = client.get(reverse("admin:auth_group_change", args=[group.pk])).content.decode()
    assert "Beheerder" in body
    assert "Mag risicocategorie wijzigen" in body


def test_a_role_change_needs_a_reason_and_is_logged(client, administrator):
    other = UserFactory(username="wordt-regisseur")
    client.force_login(administrator)
    url = reverse("admin:ipgar_user_change", args=[other.pk])
    response = client.post(url, _user_form(other, groups=[_group(roles.DIRECTOR)]))
    assert response.status_code == 200
    assert not other.groups.exists()
    response = client.post(url, _user_form(other, groups=[_group(roles.DIRECTOR)], reason="Nieuwe regisseur WPI"))
    assert response.status_code == 302
    assert list(other.groups.values_list("name", flat=True)) == [roles.DIRECTOR]
    entry = RoleChangeLogEntry.objects.get()
    assert (entry.actor, entry.actor_username, entry.subject, entry.subject_username) == (
        administrator,
        "beheerder",
        other,
        "wordt-regisseur",
    )
    assert entry.changes == {"roles_added": [roles.DIRECTOR]}
    assert entry.reason == "Nieuwe regisseur WPI"


def test_the_role_change_log_is_append_only(administrator):
    from django.db import DatabaseError, transaction

    entry = RoleChangeLogEntry.objects.create(
        actor=administrator, actor_username="beheerder", subject_username="x", changes={}, reason="r"
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        RoleChangeLogEntry.objects.filter(pk=entry.pk).update(reason="anders")
    with pytest.raises(DatabaseError), transaction.atomic():
        RoleChangeLogEntry.objects.filter(pk=entry.pk).delete()


def test_a_superuser_may_grant_the_programme_team_with_a_reason(client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    other = UserFactory(username="wordt-pt")
    client.force_login(root)
    response = client.post(
        reverse("admin:ipgar_user_change", args=[other.pk]),
        _user_form(other, groups=[_group(roles.PROGRAMME_TEAM)], is_staff="on", reason="Functioneel beheer OOV"),
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.is_staff
    assert User.objects.get(pk=other.pk).groups.filter(name=roles.PROGRAMME_TEAM).exists()
    entry = RoleChangeLogEntry.objects.get()
    assert entry.changes == {"roles_added": [roles.PROGRAMME_TEAM], "is_staff": [False, True]}


def test_the_privacy_officer_reads_the_role_changes_in_dutch(client, administrator):
    other = UserFactory(username="wordt-partner")
    client.force_login(administrator)
    client.post(
        reverse("admin:ipgar_user_change", args=[other.pk]),
        _user_form(other, groups=[_group(roles.INTERVENTION_PARTNER)], reason="Projectleider stadsdeel West"),
    )
    officer = UserFactory(username="fg-test", role=roles.PRIVACY_OFFICER)
    client.force_login(officer)
    response = client.get(reverse("ipgar:role_change_log"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rollen toegekend: interventiepartner" in body
    assert "Projectleider stadsdeel West" in body
    assert "beheerder" in body
    assert "wordt-partner" in body
    assert AccessLogEntry.objects.filter(
        username="fg-test", record_type="ipgar.rolechangelogentry", action="list", section="role_changes"
    ).exists()
    client.force_login(administrator)
    assert client.get(reverse("ipgar:role_change_log")).status_code == 404


ENGLISH = [
    "Model name",
    "Add link",
    "Change or view list link",
    "Can add",
    "Can change",
    "Can view",
    "Can delete",
    "roles_added",
    "programme_team",
    "pto_r_member",
    "intervention_partner",
    "privacy_officer",
]


def test_every_admin_page_of_the_administrator_is_dutch(fresh_install, client, administrator):
    from django.contrib import admin

    other = UserFactory(username="regisseur-nl")
    client.force_login(administrator)
    client.post(
        reverse("admin:ipgar_user_change", args=[other.pk]),
        _user_form(other, groups=[_group(roles.DIRECTOR)], reason="Nieuwe regisseur"),
    )
    request = type("Request", (), {"user": administrator})()
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        info = model._meta.app_label, model._meta.model_name
        urls += [reverse("admin:{}_{}_changelist".format(*info)), reverse("admin:app_list", args=[info[0]])]
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    assert len(urls) > 30
    failures = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = re.sub(r"<[^>]+>", " ", response.content.decode())  # what is shown or read aloud
        failures += [f"{url}: {word}" for word in ENGLISH if word in text]
    assert not failures, "\n".join(failures)
    roles_page = client.get(reverse("admin:auth_group_changelist")).content.decode()
    for name in ("Programmateam", "Casusregisseur", "Beheerder", "Functionaris gegevensbescherming"):
        assert name in roles_page


def test_a_superuser_changes_a_role_only_with_a_reason_and_it_is_logged(client):
    root = UserFactory(username="root-rol", is_staff=True, is_superuser=True)
    client.force_login(root)
    group = Group.objects.get(name=roles.DIRECTOR)
    permission = Permission.objects.get(content_type__app_label="cases", codename="view_riskcategory")
    url = reverse("admin:auth_group_change", args=[group.pk])
    response = client.post(url, {"name": group.name, "permissions": [permission.pk]})
    assert response.status_code == 200  # the form again: a reason is required
    assert not group.permissions.exists()
    data = {"name": group.name, "permissions": [permission.pk], "reason": "Regisseurs zien risico's"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(group.permissions.all()) == [permission]
    entry = RoleChangeLogEntry.objects.get()
    assert (entry.actor_username, entry.subject, entry.subject_role) == ("root-rol", None, roles.DIRECTOR)
    assert entry.changes == {"permissions_added": ["cases.view_riskcategory"]}
    # migrate resets only the administrators group; other roles keep what a superuser gave them
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert list(group.permissions.all()) == [permission]
