"""One error type for refused state changes, and the API's error shape."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


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
