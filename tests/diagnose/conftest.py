from tests.tickets.conftest import acme, organisation  # noqa: F401 - shared fixtures
