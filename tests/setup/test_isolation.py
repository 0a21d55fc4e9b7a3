"""Running the suite leaves the site ``make run`` serves alone."""

import pytest
from django.conf import settings

from kb.articles.models import Article
from kb.search.indexing import index_rebuild

pytestmark = [pytest.mark.django_db, pytest.mark.whoosh]


@pytest.fixture(scope="module")
def index_dir_of_a_shared_fixture(django_db_setup, django_db_blocker):
    # Where a module-scoped fixture that saves articles writes its index:
    # no test's own folder is set yet when it runs.
    with django_db_blocker.unblock():
        index_rebuild()
        yield settings.KB_INDEX_DIR
        Article.objects.all().delete()


def test_a_shared_fixture_writes_no_index_into_the_var_folder(index_dir_of_a_shared_fixture):
    assert index_dir_of_a_shared_fixture.exists()
    assert not index_dir_of_a_shared_fixture.is_relative_to(settings.VAR_DIR)
