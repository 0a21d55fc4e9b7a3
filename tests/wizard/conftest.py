from pathlib import Path

import pytest
from django.conf import settings

from kb.articles.fixture_files import articles_load_fixtures
from kb.articles.models import Article
from kb.problems.models import Problem
from kb.problems.services import problems_load_fixture
from kb.search.receivers import index_updates_paused
from kb.tickets.models import Organization, SlaPolicy, Team
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
