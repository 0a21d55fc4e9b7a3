"""Sign-in lockout, the Content-Security-Policy and forwarded headers."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
OFFICE = "198.51.100.20"


@pytest.fixture
def users(db, settings):
    # A fast hasher: these tests sign in dozens of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make = get_user_model().objects.create_user
    return {name: make(name, f"{name}@example.com", f"right-{name}-77")
            for name in ("lin", "mei", "wei")}


def sign_in(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password},
                       **extra)


def fail(client, username, times, **extra):
    """Wrong passwords; the one that reaches a limit already answers 429."""
    codes = [sign_in(client, username, "guess", **extra).status_code for _ in range(times)]
    assert set(codes[:-1]) <= {200}


class TestLockout:
    def test_a_colleague_behind_the_same_address_is_not_locked_out(
            self, client, users, settings):
        fail(client, "lin", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR=OFFICE)
        locked = sign_in(client, "lin", "right-lin-77", REMOTE_ADDR=OFFICE)
        assert locked.status_code == 429
        assert "paused for this account and address after 5 failed attempts" in (
            locked.content.decode())
        colleague = sign_in(client, "mei", "right-mei-77", REMOTE_ADDR=OFFICE)
        assert colleague.status_code == 302

    def test_the_same_account_from_elsewhere_waits_only_for_the_account_limit(
            self, client, users, settings):
        settings.KB_LOGIN_ACCOUNT_FAILURE_LIMIT = 8
        fail(client, "lin", 5, REMOTE_ADDR=OFFICE)
        assert sign_in(client, "lin", "right-lin-77", REMOTE_ADDR="203.0.113.5"
                       ).status_code == 302
        client.logout()
        fail(client, "lin", 3, REMOTE_ADDR="203.0.113.6")
        locked = sign_in(client, "lin", "right-lin-77", REMOTE_ADDR="203.0.113.7")
        assert locked.status_code == 429
        assert "paused for this account after 8 failed attempts" in locked.content.decode()

    def test_many_accounts_failing_from_one_address_lock_the_address(
            self, client, users, settings):
        settings.KB_LOGIN_ADDRESS_FAILURE_LIMIT = 6
        for name in ("lin", "mei"):
            fail(client, name, 3, REMOTE_ADDR=OFFICE)
        locked = sign_in(client, "wei", "right-wei-77", REMOTE_ADDR=OFFICE)
        assert locked.status_code == 429
        assert "Sign-in from this address is paused after 6 failed attempts" in (
            locked.content.decode())
        assert sign_in(client, "wei", "right-wei-77", REMOTE_ADDR="203.0.113.5"
                       ).status_code == 302

    def test_a_rotating_forwarded_header_does_not_escape_the_lockout(
            self, client, users, settings):
        for n in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "lin", "guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        assert sign_in(client, "lin", "right-lin-77", HTTP_X_FORWARDED_FOR="203.0.113.99"
                       ).status_code == 429

    def test_behind_a_trusted_proxy_the_client_address_is_the_one_locked(
            self, client, users, settings):
        settings.KB_TRUSTED_PROXIES = [PROXY]
        fail(client, "lin", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR=PROXY,
             HTTP_X_FORWARDED_FOR="203.0.113.1")
        assert sign_in(client, "lin", "right-lin-77", REMOTE_ADDR=PROXY,
                       HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429
        assert sign_in(client, "lin", "right-lin-77", REMOTE_ADDR=PROXY,
                       HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 302
