import pytest
from django.conf import settings

from kb.tickets.models import Organization
from kb.tickets.services import sla_policies_ensure, teams_load_fixture


@pytest.fixture
def organisation(db):
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()


@pytest.fixture
def acme(django_user_model, organisation):
    org = Organization.objects.create(name="Acme Live")
    user = django_user_model.objects.create_user("alice", password="pw-alice")
    org.members.add(user)
    return org, user


@pytest.fixture
def globex(django_user_model, organisation):
    org = Organization.objects.create(name="Globex Streams")
    user = django_user_model.objects.create_user("bob", password="pw-bob")
    org.members.add(user)
    return org, user
