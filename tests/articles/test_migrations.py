"""The upgrade that brought home-page recommendations to an installation
whose articles were loaded before the files named them."""

import importlib

import pytest
from django.apps import apps

from kb.articles.models import Article
from tests.factories import make_translated_pair

pytestmark = pytest.mark.django_db

migration = importlib.import_module("kb.articles.migrations.0004_home_position")


def test_the_upgrade_recommends_the_launch_fixes_in_order(problems):
    make_translated_pair(slug="no-audio")
    make_translated_pair(slug="push-connection-refused")
    make_translated_pair(slug="broken-ipv6-path")
    migration.recommend_launch_fixes(apps, None)
    positions = dict(Article.objects.filter(language="en").values_list("slug", "home_position"))
    assert positions == {"push-connection-refused": 1, "no-audio": 8, "broken-ipv6-path": None}
    assert Article.objects.filter(language="zh-hans", slug="no-audio").get().home_position == 8


def test_the_upgrade_leaves_recommendations_a_curator_already_made(problems):
    en, _zh = make_translated_pair(slug="push-connection-refused")
    make_translated_pair(slug="no-audio", home_position=1)
    migration.recommend_launch_fixes(apps, None)
    en.refresh_from_db()
    assert en.home_position is None
