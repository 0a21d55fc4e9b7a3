from tests.search.conftest import kb_articles  # noqa: F401 - shared fixture
