"""The users' version that keys the Woo redaction's name patterns (ipgar migration 0011)."""

import psycopg
import pytest
from django.utils import timezone

from ipgar.models import User
from meetings.redaction import _users_version
from tests.db import database_url
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_adding_renaming_or_removing_a_user_changes_the_version():
    before = _users_version()
    person = UserFactory(first_name="Sanne", last_name="Bakkerveld")
    added = _users_version()
    User.objects.filter(pk=person.pk).update(last_name="Bakker-Veld")
    renamed = _users_version()
    User.objects.filter(pk=person.pk).update(email="s.bakkerveld@example.org")
    email = _users_version()
    User.objects.filter(pk=person.pk).update(is_public_official=True)
    official = _users_version()
    person.delete()
    removed = _users_version()
    versions = [before, added, renamed, email, official, removed]
    assert None not in versions and len(set(versions)) == 6


def test_a_login_does_not_change_the_version():
    person = UserFactory()
    before = _users_version()
    person.last_login = timezone.now()
    person.save(update_fields=["last_login"])
    assert _users_version() == before


@pytest.mark.django_db(transaction=True)
def test_an_uncommitted_rename_is_not_seen_and_a_rolled_back_one_leaves_no_version():
    person = UserFactory(first_name="Sanne", last_name="Bakkerveld")
    before = _users_version()
    with psycopg.connect(database_url()) as other:
        other.execute("UPDATE ipgar_user SET last_name = 'Anders' WHERE id = %s", [person.pk])
        # Another transaction's rename is not seen until it commits: neither the name nor the version.
        assert _users_version() == before
        assert User.objects.get(pk=person.pk).last_name == "Bakkerveld"
        other.rollback()
    assert _users_version() == before
    with psycopg.connect(database_url()) as other:
        other.execute("UPDATE ipgar_user SET last_name = 'Anders' WHERE id = %s", [person.pk])
        other.commit()
    assert _users_version() != before
