import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from kb import celery_app
from kb.problems.models import Problem
from kb.problems.services import problems_load_fixture
from kb.setup.services import groups_ensure

# Playwright's sync API runs an event loop in the test thread; Django's
# async-safety check would refuse the live server's database calls otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_runtest_setup(item):
    if item.get_closest_marker("whoosh") and settings.KB_SEARCH_BACKEND != "whoosh":
        pytest.skip("about the Whoosh index's own files or scorer; the search backend "
                    f"is {settings.KB_SEARCH_BACKEND}")


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_in_process():
    """Unit tests run queued tasks in process; the integration tests use a worker."""
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Django's default hasher takes 0.4 s a password on this machine, for every
    user a test makes and every sign-in: most of the suite's setup time. What a
    test asks of a password (right or wrong, changed) holds with any hasher; the
    default ones stay listed, for a password a command in another process set."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 *settings.PASSWORD_HASHERS]


@pytest.fixture(autouse=True, scope="session")
def _no_index_in_the_var_folder(tmp_path_factory):
    """A module's shared fixtures load articles before any test's own index
    folder is set: their index writes go to a folder of the session's, never
    to the index ``make run`` serves from (``var/index``)."""
    from django.test import override_settings

    with override_settings(KB_INDEX_DIR=tmp_path_factory.mktemp("session-index")):
        yield


@pytest.fixture(autouse=True)
def _isolated_runtime(settings, tmp_path):
    settings.KB_INDEX_DIR = tmp_path / "index"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core.cache import cache

    from kb.search.boosts import rates_reload

    cache.clear()
    rates_reload()  # held for a second: another test's would be read


@pytest.fixture
def problems(db) -> dict[str, Problem]:
    problems_load_fixture(path=Path(settings.KB_FIXTURES_DIR) / "problems.json")
    return {p.code: p for p in Problem.objects.all()}


@pytest.fixture
def groups(db) -> dict[str, Group]:
    return {group.name: group for group in groups_ensure()}


def _staff(django_user_model, groups, username: str, group: str):
    user = django_user_model.objects.create_user(
        username=username, email=f"{username}@example.com", password="pw-" + username,
        is_staff=True,
    )
    user.groups.add(groups[group])
    return user


@pytest.fixture
def curator(django_user_model, groups):
    return _staff(django_user_model, groups, "curator", "Curators")


@pytest.fixture
def other_curator(django_user_model, groups):
    return _staff(django_user_model, groups, "curator2", "Curators")


@pytest.fixture
def reviewer(django_user_model, groups):
    return _staff(django_user_model, groups, "reviewer", "Reviewers")


@pytest.fixture
def engineer(django_user_model, groups):
    return _staff(django_user_model, groups, "engineer", "Support engineers")


@pytest.fixture
def customer(django_user_model):
    return django_user_model.objects.create_user(
        username="customer", email="customer@example.com", password="pw-customer"
    )


@pytest.fixture
def take_the_cache_down(settings):
    """Call to put the cache on a Redis that does not answer (nothing listens
    on port 9), as when KB_CACHE_URL's server is down."""

    def _down() -> None:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": "redis://127.0.0.1:9/0"}}

    return _down


@pytest.fixture
def build_index():
    """Rebuild the (per-test, temporary) index from the database."""
    from kb.search.indexing import index_rebuild
    from kb.search.synonyms import synonyms_reload

    def _build() -> int:
        synonyms_reload()
        return index_rebuild()

    return _build
