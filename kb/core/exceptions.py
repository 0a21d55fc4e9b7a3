"""One error type for refused state changes, and the API's error shape."""

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from kb.core.api_errors import body_too_large


class ApplicationError(Exception):
    """A state change the user asked for and cannot have, with the reason."""

    def __init__(self, message: str, *, status_code: int = 400, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.extra = extra or {}


def api_exception_handler(exc, context):
    """Turn service errors into 4xx JSON with a message, never a 500."""
    if isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, **exc.extra}, status=exc.status_code)
    # Django's limits on what it reads of a request: left alone they become
    # its HTML 400 page.
    if isinstance(exc, RequestDataTooBig):
        return Response(body_too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
                        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return Response({"detail": "Too many form fields or files in one request; send "
                                   "JSON, or fewer fields."},
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    response = exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        response.data = {"detail": "Too many requests. Please try again later."} | (
            {"retry_after_seconds": int(exc.wait)} if getattr(exc, "wait", None) else {}
        )
    return response
