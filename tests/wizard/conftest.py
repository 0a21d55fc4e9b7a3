from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from kb.articles.fixture_files import articles_load_fixtures
from kb.articles.models import Article
from kb.problems.models import Problem
from kb.problems.services import problems_load_fixture
from kb.search.receivers import index_updates_paused
from kb.tickets.models import Organization, SlaPolicy, Team, Ticket
from kb.tickets.services import sla_policies_ensure, teams_load_fixture
from kb.wizard.models import Flow, FlowVersion, WizardSession
from kb.wizard.services import flows_load_fixtures

FIXTURES = Path(settings.KB_FIXTURES_DIR)
SAMPLES = Path(__file__).resolve().parents[1] / "diagnostics" / "samples"


def load_site_content() -> None:
    """What bootstrap loads: problem codes, the 70 articles, teams, SLA, flows."""
    problems_load_fixture(path=FIXTURES / "problems.json")
    with index_updates_paused():
        articles_load_fixtures(root=FIXTURES / "articles")
    teams_load_fixture(path=FIXTURES / "teams.toml")
    sla_policies_ensure()
    flows_load_fixtures(root=FIXTURES / "flows")


def escalate_a_stutter(user, *, language: str = "en") -> Ticket:
    """The network flow walked to a ticket with an mtr pasted (the HTTP
    client of a customer who answers quickly)."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    response = client.post("/wizard/", {"flow": "network-stutter"})
    session = WizardSession.objects.get(id=response["Location"].split("/")[3])

    def answer(**data):
        session.refresh_from_db()
        data.setdefault("step", session.current_step)
        assert client.post(f"/wizard/s/{session.id}/", data).status_code == 302
        session.refresh_from_db()

    for choice in ("live-degraded", "always", "rtmp"):
        answer(choice=choice)
    answer(text=(SAMPLES / "linux-mtr-report-lastmile.txt").read_text())
    answer()
    while session.current_step == "fixes":
        answer(fixed="no")
    answer(choice="cn")
    answer(action="escalate", region="cn", stream_id="studio-2",
           note="Every evening since Monday.")
    return Ticket.objects.get(wizard_sessions=session)


def drop_site_content() -> None:
    WizardSession.objects.all().delete()
    FlowVersion.objects.all().delete()
    Flow.objects.all().delete()
    Article.objects.all().delete()
    Problem.objects.all().delete()
    Team.objects.all().delete()
    SlaPolicy.objects.all().delete()


@pytest.fixture(scope="module")
def site_content(django_db_setup, django_db_blocker):
    """The real content, loaded once per module (tests roll back their own writes)."""
    with django_db_blocker.unblock():
        load_site_content()
        yield
        drop_site_content()


@pytest.fixture
def member(django_user_model, site_content, db):
    """A signed-up customer engineer of a customer organization."""
    user = django_user_model.objects.create_user("mei", email="mei@example.com",
                                                 password="pw-mei-12345")
    Organization.objects.create(name="Acme Live").members.add(user)
    return user


@pytest.fixture
def team_lead(django_user_model, site_content, db):
    """Every team's lead is paged for a P1 when nobody is on the rota."""
    lead = django_user_model.objects.create_user("oncall", email="oncall@example.com",
                                                 is_staff=True)
    Team.objects.update(lead=lead)
    return lead


@pytest.fixture
def unthrottled_wizard(settings):
    """Walking a flow to each of its ends answers far more steps a minute than
    a customer does; the rate limit has tests of its own."""
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
             "wizard": "100000/minute", "wizard_address": "100000/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
