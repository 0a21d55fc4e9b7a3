"""The inbound relay: a mail provider posts each message it received for the
support address, raw, authenticated by the shared secret."""

import hmac

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kb.core.api_errors import body_too_large
from kb.mail.models import ReceivedMessage
from kb.mail.services import message_receive

SECRET_HEADER = "X-KB-Relay-Secret"
MEDIA_TYPE = "message/rfc822"


class RawMessageParser(BaseParser):
    """Names the body's media type for the schema; the view reads the bytes."""

    media_type = MEDIA_TYPE

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read() if stream is not None else b""


def relay_secret_valid(given: str | None) -> bool:
    """Compared in constant time; with no secret configured nothing is valid."""
    expected = settings.KB_MAIL_RELAY_SECRET
    return bool(expected) and given is not None and hmac.compare_digest(
        given.encode("utf-8", "surrogateescape"), expected.encode())


class MailInboundApi(APIView):
    """Take one received e-mail in: it becomes a ticket, a reply on one, a
    message held for staff, or is ignored with the reason (robots' mail,
    throttled). Posting the same message again answers the first outcome
    and changes nothing."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [RawMessageParser]

    class OutputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=ReceivedMessage.Outcome.choices)
        ticket = serializers.IntegerField(
            source="ticket_id", allow_null=True,
            help_text="the ticket filed or answered; null when held or ignored")
        reason = serializers.ChoiceField(
            choices=ReceivedMessage.Reason.choices,
            help_text="why: " + "; ".join(f"{value}: {label}" for value, label
                                          in ReceivedMessage.Reason.choices))

    @extend_schema(
        request={MEDIA_TYPE: OpenApiTypes.BINARY},
        parameters=[OpenApiParameter(
            SECRET_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
            description="the shared secret of the relay (KB_MAIL_RELAY_SECRET)")],
        responses={
            202: OutputSerializer,
            400: OpenApiResponse(description="the body is empty"),
            403: OpenApiResponse(description="the relay secret is missing or wrong, or no "
                                             "secret is configured"),
            413: OpenApiResponse(description="the message is larger than KB_MAIL_MAX_BYTES: "
                                             "its sender is told the limit"),
            415: OpenApiResponse(description="the body is not message/rfc822"),
        },
    )
    def post(self, request: Request) -> Response:
        if not relay_secret_valid(request.headers.get(SECRET_HEADER)):
            return Response({"detail": f"Send the relay's shared secret in {SECRET_HEADER}."},
                            status=status.HTTP_403_FORBIDDEN)
        raw = request._request.body  # bounded by DATA_UPLOAD_MAX_MEMORY_SIZE
        if not raw.strip():
            return Response({"detail": "The body is empty: send the raw message."},
                            status=status.HTTP_400_BAD_REQUEST)
        content_type = request.content_type.split(";")[0].strip().lower()
        if content_type != MEDIA_TYPE:
            return Response({"detail": f"Send the raw message as Content-Type {MEDIA_TYPE}."},
                            status=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE)
        received = message_receive(raw=raw, source=ReceivedMessage.Source.RELAY)
        if received.reason == ReceivedMessage.Reason.TOO_LARGE:
            return Response(body_too_large(settings.KB_MAIL_MAX_BYTES),
                            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        return Response(self.OutputSerializer(received).data, status=status.HTTP_202_ACCEPTED)
