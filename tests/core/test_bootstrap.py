import pytest
from django.core.management import call_command

from kb.articles.models import Article
from kb.problems.models import Problem
from kb.search import store
from kb.search.analysis import ANALYSIS_VERSION
from kb.search.models import Synonym
from kb.tickets.models import SlaPolicy, Team

pytestmark = pytest.mark.django_db(transaction=True)


def test_bootstrap_loads_everything_and_is_idempotent(capsys):
    call_command("bootstrap")
    first = capsys.readouterr().out
    assert Problem.objects.count() == 41  # the taxonomy's codes
    assert Article.objects.filter(status=Article.Status.PUBLISHED).count() >= 70
    assert Team.objects.count() == 4 and SlaPolicy.objects.count() == 4
    assert Synonym.objects.exists()
    assert store.index_health()[0] is True
    assert "search index: " in first and "articles" in first

    versions = dict(Article.objects.values_list("pk", "version"))
    call_command("bootstrap")
    second = capsys.readouterr().out
    assert "0 created, 0 updated" in second
    assert "search index: up to date" in second
    assert dict(Article.objects.values_list("pk", "version")) == versions


def test_bootstrap_rebuilds_a_missing_index(capsys):
    call_command("bootstrap")
    for generation in store.index_root().glob("gen-*"):
        for path in generation.iterdir():
            path.unlink()
    assert store.index_health()[0] is False
    call_command("bootstrap")
    assert "building the search index" in capsys.readouterr().out
    assert store.index_health()[0] is True


def test_bootstrap_rebuilds_an_index_built_under_an_older_analysis(capsys):
    call_command("bootstrap")
    generation = store.current_generation_dir()
    (generation / store.ANALYSIS).unlink()  # as an earlier release built it
    store.checksums_record(generation)
    capsys.readouterr()
    call_command("bootstrap")
    assert ("building the search index (the index was built with text analysis 1"
            in capsys.readouterr().out)
    assert store.index_analysis_version() == ANALYSIS_VERSION
    call_command("bootstrap")
    assert "search index: up to date" in capsys.readouterr().out


def test_demo_users_are_refused_when_debug_is_off(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="only created when DEBUG is on"):
        call_command("bootstrap", "--demo-users")
