"""Production settings refuse to be unsafe; the documented ones pass Django's
deployment checks. Each case starts a fresh process: settings are read once,
from the environment, when the site starts."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The production variables README documents (a made-up secret of realistic
# length: Django's check wants 50 characters or more).
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "prod-" + "k9Qz7xW2mB4vN8rT1yL6pD3sF5hJ0gA" * 2,
    "KB_WEBHOOK_SECRET": "prod-webhook-3f9a1c77e2b84d0a",
    "ALLOWED_HOSTS": "kb.example.com",
    "KB_TLS": "1",
}
SHOW = ("import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k, None) for k in ("
        "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SECURE_HSTS_PRELOAD', 'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'KB_TRUSTED_PROXIES')}))")


def run(args: list[str], tmp_path, **variables) -> subprocess.CompletedProcess:
    # The test run's own switches stay out (the browser tests allow
    # synchronous database calls from async code, which a deployment must not).
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBUG", "SECRET_KEY", "KB_WEBHOOK_SECRET", "ALLOWED_HOSTS", "KB_TLS",
                        "KB_TRUSTED_PROXIES", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(DJANGO_SETTINGS_MODULE="kb.settings", KB_VAR_DIR=str(tmp_path),
               KB_LOG_LEVEL="WARNING", **variables)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def start(tmp_path, **variables) -> subprocess.CompletedProcess:
    return run(["-c", "import django; django.setup()"], tmp_path, **variables)


def production_without(*names: str, **overrides: str) -> dict:
    return {k: v for k, v in {**PRODUCTION, **overrides}.items() if k not in names}


@pytest.mark.parametrize("variables, named", [
    (production_without("SECRET_KEY"), "SECRET_KEY"),
    (production_without(SECRET_KEY="dev-only-insecure-key-change-me-in-production"),
     "SECRET_KEY"),
    (production_without("KB_WEBHOOK_SECRET"), "KB_WEBHOOK_SECRET"),
    (production_without(KB_WEBHOOK_SECRET="dev-only-webhook-secret"), "KB_WEBHOOK_SECRET"),
    (production_without(KB_TRUSTED_PROXIES="10.0.0.1, 10.0.0.300"), "KB_TRUSTED_PROXIES"),
])
def test_production_refuses_to_start_on_unsafe_settings_naming_the_variable(
        tmp_path, variables, named):
    started = start(tmp_path, **variables)
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr and named in started.stderr


def test_development_starts_on_the_embedded_values(tmp_path):
    started = start(tmp_path)
    assert started.returncode == 0, started.stderr


def test_the_documented_production_settings_pass_the_deployment_checks(tmp_path):
    checked = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path,
                  **PRODUCTION)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "System check identified no issues" in checked.stdout


def test_tls_turns_on_the_redirect_hsts_and_secure_cookies(tmp_path):
    shown = run(["-c", SHOW], tmp_path, **PRODUCTION)
    assert shown.returncode == 0, shown.stderr
    values = json.loads(shown.stdout.strip().splitlines()[-1])
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and values["SECURE_HSTS_PRELOAD"]
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    # No proxy is trusted, so no header may claim a request was secure.
    assert values["SECURE_PROXY_SSL_HEADER"] is None


def test_a_trusted_proxy_that_terminates_tls_is_believed(tmp_path):
    shown = run(["-c", SHOW], tmp_path, **PRODUCTION, KB_TRUSTED_PROXIES="10.0.0.0/24")
    values = json.loads(shown.stdout.strip().splitlines()[-1])
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["KB_TRUSTED_PROXIES"] == ["10.0.0.0/24"]


def test_without_tls_nothing_redirects(tmp_path):
    shown = run(["-c", SHOW], tmp_path)
    values = json.loads(shown.stdout.strip().splitlines()[-1])
    assert not values["SECURE_SSL_REDIRECT"] and not values["SECURE_HSTS_SECONDS"]
