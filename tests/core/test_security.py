"""Sign-in lockout, the Content-Security-Policy and forwarded headers."""

import re

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
OFFICE = "198.51.100.20"


@pytest.fixture
def users(db):
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


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=|javascript:", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


class TestContentSecurityPolicy:
    PAGES = ["/", "/search/?q=rtmp", "/wizard/", "/accounts/login/",
             "/support/response-times/", "/accounts/password_reset/"]

    @pytest.mark.parametrize("url", PAGES)
    def test_pages_allow_scripts_and_styles_from_the_site_only(self, client, url):
        response = client.get(url)
        assert response.status_code == 200
        directives = policy(response)
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]

    @pytest.mark.parametrize("url", PAGES)
    def test_pages_have_no_inline_script_style_or_handler(self, client, url):
        html = client.get(url).content.decode()
        assert not INLINE.findall(html)

    def test_staff_pages_have_none_either(self, client, django_user_model):
        admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
        client.force_login(admin)
        for url in ("/learning/", "/admin/", "/admin/articles/article/add/",
                    "/admin/wizard/flow/add/", "/wizard/stats/"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert not INLINE.findall(response.content.decode()), url
            assert policy(response)["script-src"] == ["'self'"], url

    def test_the_api_docs_load_their_script_as_a_file(self, client):
        response = client.get("/api/v1/docs/")
        html = response.content.decode()
        assert response.status_code == 200
        assert not re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        directives = policy(response)
        assert directives["script-src"] == ["'self'"]
        # drf-spectacular's small inline <style>, and Swagger UI's data: icons.
        assert "'unsafe-inline'" in directives["style-src"] and "data:" in directives["img-src"]
        script = client.get("/api/v1/docs/?script")
        assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


class TestForwardedProto:
    def _secure(self, settings, remote):
        from django.test import RequestFactory

        from kb.core.middleware import TrustedProxyMiddleware

        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        settings.KB_TRUSTED_PROXIES = [PROXY]
        request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_PROTO="https")
        return TrustedProxyMiddleware(lambda r: r.is_secure())(request)

    def test_only_a_trusted_proxy_may_say_a_request_was_secure(self, settings):
        assert self._secure(settings, PROXY) is True
        assert self._secure(settings, "203.0.113.9") is False


def test_a_sign_in_without_an_address_is_recorded_without_one(client, customer):
    # force_login builds a request with no REMOTE_ADDR (as a unix-socket
    # server can): axes records no address instead of "unknown", which an IP
    # address column refuses on PostgreSQL.
    from axes.models import AccessLog

    client.force_login(customer)
    assert AccessLog.objects.get().ip_address is None
