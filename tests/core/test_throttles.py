"""Rate limits: keyed on the real client (forwarded headers only from our
proxies), per signed-in user and per address, on every expensive endpoint."""

import threading
import time
import uuid
from contextlib import contextmanager

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from kb.core.addresses import client_address
from kb.search.throttles import SearchThrottle
from kb.tickets.models import Organization
from kb.tickets.services import sla_policies_ensure, teams_load_fixture
from kb.wizard.models import WizardSession
from tests.clock import EU_WORKING_HOURS
from tests.factories import make_article
from tests.services import require_redis
from tests.wizard.conftest import SAMPLES, site_content  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


@pytest.fixture
def clock(time_machine):
    """Every request of a test at one instant: a limit's window never runs out midway."""
    time_machine.move_to(EU_WORKING_HOURS, tick=False)
    return time_machine


@pytest.fixture
def rates(settings):
    """Set the rates of a test; scopes not named keep generous ones."""

    def _set(**rates):
        generous = {scope: "1000/minute" for scope in
                    ("search", "diagnose", "feedback", "wizard", "ticket")}
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                                   "DEFAULT_THROTTLE_RATES": {**generous, **rates}}

    return _set


@contextmanager
def redis_cache(settings):
    """The cache on Redis, as several nodes share it (KB_CACHE_URL), under a
    key prefix of the test's own."""
    prefix = f"test-{uuid.uuid4().hex}"
    location = require_redis()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": location, "KEY_PREFIX": prefix}}
    yield
    shared = redis.Redis.from_url(location)
    for key in shared.scan_iter(f"{prefix}:*"):
        shared.delete(key)


@pytest.fixture(params=["local memory", "redis"])
def counted_in(request, settings):
    """The cache the limits count in: the embedded default, or Redis."""
    if request.param == "redis":
        with redis_cache(settings):
            yield
    else:
        yield


@pytest.fixture
def on_redis(settings):
    with redis_cache(settings):
        yield


def request_from(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


class TestClientAddress:
    def test_without_trusted_proxies_the_forwarded_header_is_ignored(self, settings):
        settings.KB_TRUSTED_PROXIES = []
        assert client_address(request_from("198.51.100.7", "203.0.113.9")) == "198.51.100.7"

    def test_a_trusted_proxy_forwards_the_right_most_untrusted_address(self, settings):
        settings.KB_TRUSTED_PROXIES = [PROXY, "10.1.0.0/16"]
        request = request_from(PROXY, "6.6.6.6, 203.0.113.9, 10.1.4.4")
        assert client_address(request) == "203.0.113.9"

    def test_a_request_not_from_a_trusted_proxy_keeps_its_own_address(self, settings):
        settings.KB_TRUSTED_PROXIES = [PROXY]
        assert client_address(request_from("198.51.100.7", "203.0.113.9")) == "198.51.100.7"

    def test_garbage_in_the_header_stops_the_search_at_our_last_proxy(self, settings):
        settings.KB_TRUSTED_PROXIES = ["10.0.0.0/8"]
        request = request_from(PROXY, "203.0.113.9, not-an-address, 10.0.0.3")
        assert client_address(request) == "10.0.0.3"

    def test_ipv6_and_ports_are_understood(self, settings):
        settings.KB_TRUSTED_PROXIES = ["2001:db8::/32"]
        assert client_address(request_from("2001:db8::1", "[2001:db9::5]:443")) == "2001:db9::5"
        assert client_address(request_from("2001:db8::1", "203.0.113.9:5123")) == "203.0.113.9"


@pytest.mark.usefixtures("counted_in")
class TestSearchApi:
    def test_rotating_x_forwarded_for_does_not_escape_the_limit(self, client, rates, clock):
        rates(search="2/minute")
        codes = [client.get("/api/v1/search", {"q": "rtmp"},
                            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
                 for n in range(3)]
        assert codes == [200, 200, 429]

    def test_clients_behind_a_trusted_proxy_are_counted_apart(self, client, rates, clock,
                                                               settings):
        settings.KB_TRUSTED_PROXIES = [PROXY]
        rates(search="1/minute")

        def search(address):
            return client.get("/api/v1/search", {"q": "rtmp"}, REMOTE_ADDR=PROXY,
                              HTTP_X_FORWARDED_FOR=address).status_code

        assert [search("203.0.113.1"), search("203.0.113.2"), search("203.0.113.1")] == [
            200, 200, 429]

    def test_a_signed_in_user_is_limited_wherever_they_come_from(
            self, client, customer, rates, clock):
        rates(search="2/minute", search_address="100/minute")
        client.force_login(customer)
        codes = [client.get("/api/v1/search", {"q": "rtmp"}, REMOTE_ADDR=f"198.51.100.{n}")
                 .status_code for n in range(3)]
        assert codes == [200, 200, 429]

    def test_a_token_is_limited(self, customer, rates, clock):
        rates(search="1/minute")
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=customer).key}")
        assert api.get("/api/v1/search", {"q": "rtmp"}).status_code == 200
        refused = api.get("/api/v1/search", {"q": "rtmp"})
        assert refused.status_code == 429
        assert "Too many requests" in refused.json()["detail"]
        assert int(refused["Retry-After"]) > 0

    def test_many_accounts_from_one_address_share_its_softer_limit(
            self, client, django_user_model, rates, clock):
        rates(search="5/minute", search_address="3/minute")
        codes = []
        for n in range(4):
            client.force_login(django_user_model.objects.create_user(f"user{n}"))
            codes.append(client.get("/api/v1/search", {"q": "rtmp"}).status_code)
        assert codes == [200, 200, 200, 429]

    def test_a_refused_client_is_told_when_its_oldest_request_leaves_the_window(
            self, client, rates, clock):
        rates(search="2/minute")
        client.get("/api/v1/search", {"q": "rtmp"})
        clock.shift(20)
        client.get("/api/v1/search", {"q": "rtmp"})
        clock.shift(10)
        refused = client.get("/api/v1/search", {"q": "rtmp"})
        assert (refused.status_code, refused["Retry-After"]) == (429, "30")

    def test_the_limit_lifts_after_its_window(self, client, rates, clock):
        rates(search="1/minute")
        assert client.get("/api/v1/search", {"q": "rtmp"}).status_code == 200
        assert client.get("/api/v1/search", {"q": "rtmp"}).status_code == 429
        clock.shift(61)
        assert client.get("/api/v1/search", {"q": "rtmp"}).status_code == 200


@pytest.mark.usefixtures("on_redis")
class TestCountedOnRedis:
    def test_requests_counted_at_once_let_exactly_the_limit_through(self, rates, clock):
        """Eight threads, as several nodes' requests at once: each reads the
        count while the others write it."""
        rates(search="50/minute", search_address="1000/minute")
        allowed = []

        def search_from_one_client() -> None:
            for _ in range(25):
                allowed.append(SearchThrottle().allow_request(request_from("203.0.113.5"), None))

        threads = [threading.Thread(target=search_from_one_client) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert (allowed.count(True), allowed.count(False)) == (50, 150)

    def test_a_refused_request_waits_until_enough_of_its_window_has_left_it(self, rates,
                                                                           clock):
        rates(search="2/minute", search_address="3/minute")
        throttle = SearchThrottle()
        assert throttle.allow_request(request_from("203.0.113.6"), None)
        clock.shift(20)
        assert throttle.allow_request(request_from("203.0.113.6"), None)
        clock.shift(10)
        assert not throttle.allow_request(request_from("203.0.113.6"), None)
        # The client's bucket is full until its first request leaves it.
        assert throttle.wait() == pytest.approx(30)
        # A limit lowered below what a window holds: the address's has three
        # requests and now allows one, so the wait is until all three have
        # left it, the last a minute from now.
        rates(search="10/minute", search_address="1/minute")
        assert not throttle.allow_request(request_from("203.0.113.6"), None)
        assert throttle.wait() == pytest.approx(60)

    def test_while_redis_is_down_requests_are_let_through_and_logged(
            self, client, kb_article, build_index, take_the_cache_down, rates, clock, caplog):
        build_index()
        take_the_cache_down()
        rates(search="1/minute")
        codes = [client.get("/api/v1/search", {"q": "rtmp"}).status_code for _ in range(2)]
        assert codes == [200, 200]
        assert "throttle_uncounted scopes=search " in caplog.text


class TestCountsKeptAcrossUpgrades:
    def test_a_window_counted_as_a_list_before_an_upgrade_still_counts(self, client, rates,
                                                                       clock):
        rates(search="3/minute")
        key = SimpleRateThrottle.cache_format % {"scope": "search", "ident": "address-127.0.0.1"}
        now = time.time()
        cache.set(key, [now - 1, now - 2], 60)
        codes = [client.get("/api/v1/search", {"q": "rtmp"}).status_code for _ in range(2)]
        assert codes == [200, 429]

    @pytest.mark.usefixtures("on_redis")
    def test_a_window_counted_before_the_cache_moved_to_redis_does_not_stop_counting(
            self, client, rates, clock):
        rates(search="2/minute")
        key = SimpleRateThrottle.cache_format % {"scope": "search", "ident": "address-127.0.0.1"}
        cache.set(key, [time.time() - 1], 60)  # what DRF left there
        codes = [client.get("/api/v1/search", {"q": "rtmp"}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]


@pytest.mark.usefixtures("counted_in")
class TestSearchPage:
    def test_the_page_is_limited_with_a_clear_message(self, client, rates, clock):
        rates(search="1/minute")
        assert client.get("/search/", {"q": "rtmp"}).status_code == 200
        refused = client.get("/search/", {"q": "rtmp"}, HTTP_X_FORWARDED_FOR="203.0.113.4")
        assert refused.status_code == 429
        html = refused.content.decode()
        assert "many requests in a short time" in html and "try again in 1 minute" in html
        assert 'name="q"' in html  # the search form stays, with the query
        assert int(refused["Retry-After"]) > 0

    def test_htmx_gets_the_message_in_the_results_fragment(self, client, rates, clock):
        rates(search="1/minute")
        client.get("/search/", {"q": "rtmp"})
        refused = client.get("/search/", {"q": "rtmp"}, HTTP_HX_REQUEST="true")
        assert refused.status_code == 429
        assert "<html" not in refused.content.decode()
        assert "many requests in a short time" in refused.content.decode()

    def test_the_empty_form_is_not_counted(self, client, rates, clock):
        rates(search="1/minute")
        for _ in range(3):
            assert client.get("/search/").status_code == 200
        assert client.get("/search/", {"q": "rtmp"}).status_code == 200


class TestDiagnoseApi:
    def test_signed_in_clients_are_limited(self, client, customer, rates, clock):
        rates(diagnose="1/minute")
        client.force_login(customer)
        assert client.post("/api/v1/diagnose", {}, content_type="application/json"
                           ).status_code == 200
        assert client.post("/api/v1/diagnose", {}, content_type="application/json"
                           ).status_code == 429

    def test_rotating_x_forwarded_for_does_not_escape_the_limit(self, client, rates, clock):
        rates(diagnose="1/minute")
        codes = [client.post("/api/v1/diagnose", {}, content_type="application/json",
                             HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
                 for n in range(2)]
        assert codes == [200, 429]


class TestFeedback:
    def test_the_api_limits_a_signed_in_user_across_addresses(
            self, client, customer, kb_article, rates, clock):
        rates(feedback="1/hour", feedback_address="100/hour")
        client.force_login(customer)
        url = f"/api/v1/articles/en/{kb_article.slug}/feedback/"
        codes = [client.post(url, {"helpful": True}, content_type="application/json",
                             REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(2)]
        assert codes == [201, 429]

    def test_the_page_ignores_a_rotating_forwarded_header(self, client, kb_article, rates,
                                                          clock):
        rates(feedback="1/hour")
        url = f"/kb/en/{kb_article.slug}/feedback/"
        codes = [client.post(url, {"helpful": "yes"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
                             ).status_code for n in range(2)]
        assert codes == [302, 429]


@pytest.mark.usefixtures("site_content")
class TestWizard:
    def test_pastes_are_limited_with_the_message_on_the_step(self, client, rates, clock):
        rates(wizard="4/minute")
        session_url = client.post("/wizard/", {"flow": "network-stutter"})["Location"]
        session = WizardSession.objects.get()
        for choice in ("live-degraded", "always", "rtmp"):
            session.refresh_from_db()
            assert client.post(session_url, {"step": session.current_step, "choice": choice}
                               ).status_code == 302
        session.refresh_from_db()
        ping = (SAMPLES / "linux-ping-lossy.txt").read_text()
        refused = client.post(session_url, {"step": session.current_step, "text": ping},
                              HTTP_X_FORWARDED_FOR="203.0.113.8")
        assert refused.status_code == 429
        assert "many requests in a short time" in refused.content.decode()
        assert 'name="text"' in refused.content.decode()  # the paste step again

    def test_htmx_gets_the_step_box_with_the_message(self, client, rates, clock):
        rates(wizard="1/minute")
        session_url = client.post("/wizard/", {"flow": "network-stutter"})["Location"]
        refused = client.post(session_url, {"step": "live", "choice": "live-degraded"},
                              HTTP_HX_REQUEST="true")
        assert refused.status_code == 429
        assert refused.content.decode().startswith('<div id="wizard-step"')

    def test_starting_sessions_is_limited(self, client, rates, clock):
        rates(wizard="1/minute")
        assert client.post("/wizard/", {"flow": "network-stutter"}).status_code == 302
        refused = client.post("/wizard/", {"flow": "network-stutter"})
        assert refused.status_code == 429
        assert "many requests in a short time" in refused.content.decode()


class TestTicketFiling:
    TICKET = {"subject": "Push refused", "description": "Since 20:00.", "priority": "P3",
              "region": "eu"}

    def test_the_api_limits_filing_but_not_reading(self, client, member, rates, clock):
        rates(ticket="1/hour")
        client.force_login(member)
        assert client.post("/api/v1/tickets/", self.TICKET, content_type="application/json"
                           ).status_code == 201
        assert client.post("/api/v1/tickets/", self.TICKET, content_type="application/json"
                           ).status_code == 429
        assert client.get("/api/v1/tickets/").status_code == 200

    def test_the_portal_keeps_the_form_with_a_message(self, client, member, rates, clock):
        rates(ticket="1/hour")
        client.force_login(member)
        assert client.post("/support/tickets/new/", self.TICKET).status_code == 302
        refused = client.post("/support/tickets/new/", self.TICKET)
        assert refused.status_code == 429
        html = refused.content.decode()
        assert "many requests in a short time" in html and "Push refused" in html


@pytest.fixture
def member(django_user_model, db):
    """A customer of an organization, with the support teams and SLA policies."""
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    user = django_user_model.objects.create_user("mei", password="pw-mei-12345")
    Organization.objects.create(name="Acme Live").members.add(user)
    return user


@pytest.fixture
def kb_article(problems):
    # A slug of its own: the launch content (site_content, loaded for the rest
    # of the module by the first test that uses it) has push-connection-refused.
    return make_article(slug="throttled-feedback-target")
