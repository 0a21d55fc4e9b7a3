import datetime as dt

import pytest
from django.conf import settings

from kb.monitoring.services import SampleInput, line_create, samples_record
from kb.tickets.models import Organization
from kb.tickets.services import sla_policies_ensure, teams_load_fixture

UTC = dt.UTC


@pytest.fixture
def organisation(db):
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()


@pytest.fixture
def acme(django_user_model, organisation):
    org = Organization.objects.create(name="Acme Live")
    user = django_user_model.objects.create_user("alice", email="alice@example.com",
                                                 password="pw-alice")
    org.members.add(user)
    return org, user


@pytest.fixture
def globex(django_user_model, organisation):
    org = Organization.objects.create(name="Globex Streams")
    user = django_user_model.objects.create_user("bob", email="bob@example.com",
                                                 password="pw-bob")
    org.members.add(user)
    return org, user


def make_line(organization, **overrides):
    fields = {"name": "Shanghai studio -> Singapore ingest", "from_region": "cn",
              "to_region": "sea", "kind": "dedicated", "host": "push.sea.example.com",
              "port": 1935, "protocol": "rtmp", "probe_by_site": False}
    fields.update(overrides)
    return line_create(organization=organization, **fields)


@pytest.fixture
def line(acme):
    return make_line(acme[0])


def sample(line, at, *, source="encoder-1", sent=20, received=20, rtt=70.0, spread=5.0,
           jitter=2.0):
    """One source's minute; RTT fields null when nothing came back."""
    replied = received > 0
    return SampleInput(line_id=line.pk, source=source, at=at, sent=sent, received=received,
                       rtt_min_ms=rtt - spread if replied else None,
                       rtt_avg_ms=rtt if replied else None,
                       rtt_max_ms=rtt + spread if replied else None,
                       jitter_ms=jitter if replied else None)


def record(samples):
    return samples_record(samples=list(samples))


def minutes(start: dt.datetime, count: int):
    """``count`` consecutive minute ends from ``start``."""
    return [start + dt.timedelta(minutes=n) for n in range(count)]
