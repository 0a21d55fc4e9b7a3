"""Errors to Sentry, when a deployment sets ``SENTRY_DSN`` (optional).

The SDK's Django and Celery integrations enable themselves, and the logging
one is set up here: an unhandled exception in a request or a task, and
every ``log.error`` or ``log.exception`` (the catch-alls that fall back and
log, such as a search answered from the database), become Sentry events.
No personal data is sent (``PRIVATE_DATA_COLLECTION``: no user, address,
cookie, body, query string or local variable): tickets hold customers'
logs and contacts.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from sentry_sdk._types import DataCollectionUserOptions


# What the SDK may collect on its own, category by category (its
# ``data_collection`` option, from 2.70; 3.0 removed ``send_default_pii`` and
# collects more by default): nothing about who is signed in, no cookies, no
# bodies (a ticket's or a paste's), no query strings (a search holds what a
# customer typed, a stream key too), no headers naming an address, no local
# variables of a failing frame, no SQL parameters, no task arguments.
PRIVATE_DATA_COLLECTION: DataCollectionUserOptions = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_headers": {"request": {"mode": "denylist",
                                 "terms": ["forwarded", "-ip", "_ip", "remote", "via",
                                           "-user", "_user"]}},
    "http_bodies": [],
    "url_query_params": {"mode": "off"},
    "stack_frame_variables": False,
    "database_query_data": False,
    "queues": False,
}


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
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn, environment=environ.get("SENTRY_ENVIRONMENT") or "production",
        traces_sample_rate=traces, data_collection=PRIVATE_DATA_COLLECTION,
        # Named, as 3.0 no longer makes an event of a logged error by default:
        # a log.error or log.exception is one, the lines before it breadcrumbs.
        integrations=[LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)])
    return True
