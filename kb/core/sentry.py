"""Errors to Sentry, when a deployment sets ``SENTRY_DSN`` (optional).

The SDK's Django, Celery and logging integrations enable themselves: an
unhandled exception in a request or a task, and every ``log.error`` or
``log.exception`` (the catch-alls that fall back and log, such as a search
answered from the database), become Sentry events. No personal data is sent
(no user e-mails, addresses or request bodies): tickets hold customers'
logs and contacts.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured


def sentry_init(environ: Mapping[str, str]) -> bool:
    """Start the SDK when ``SENTRY_DSN`` is set; True when it was started."""
    dsn = (environ.get("SENTRY_DSN") or "").strip()
    if not dsn:
        return False
    try:
        import sentry_sdk
    except ImportError as exc:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but the Sentry SDK is not installed: "
            "pip install 'streamline-kb[sentry]'") from exc
    try:
        traces = float(environ.get("SENTRY_TRACES_SAMPLE_RATE") or 0)
    except ValueError as exc:
        raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1, "
                                   f"not {environ['SENTRY_TRACES_SAMPLE_RATE']!r}") from exc
    if not 0 <= traces <= 1:
        raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1, "
                                   f"not {traces}")
    sentry_sdk.init(dsn=dsn, environment=environ.get("SENTRY_ENVIRONMENT") or "production",
                    traces_sample_rate=traces, send_default_pii=False)
    return True
