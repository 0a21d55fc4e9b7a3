from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kb.core.choices import Language, Protocol, Region, Role
from kb.core.languages import content_language
from kb.core.serializers import JsonInputSerializer
from kb.diagnose.diagnosis import DiagnoseInput, diagnosis_build
from kb.diagnose.serializers import AttachmentInputSerializer
from kb.diagnose.throttles import DiagnoseThrottle
from kb.diagnostics import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class DiagnoseApi(APIView):
    """Read pasted tool output and answers; rank the likely problems and their fixes.

    Attachments are text (`content`) or, for files in another encoding such as
    the UTF-16 that Windows redirects produce, base64 (`content_base64`).
    At most 5 attachments of 2 MB each.
    """

    throttle_classes = [DiagnoseThrottle]

    class InputSerializer(JsonInputSerializer):
        description = serializers.CharField(required=False, allow_blank=True, max_length=20_000,
                                            default="")
        role = serializers.ChoiceField(choices=Role.values, required=False)
        protocol = serializers.ChoiceField(choices=Protocol.values, required=False)
        region = serializers.ChoiceField(choices=Region.values, required=False)
        stream_down = serializers.BooleanField(required=False, allow_null=True, default=None)
        lang = serializers.ChoiceField(
            choices=Language.values, required=False,
            help_text="the reader's language (fixes in it come first); default: the "
                      "request's language")
        attachments = AttachmentInputSerializer(many=True, required=False, default=list)

        def validate_attachments(self, value):
            if len(value) > MAX_ATTACHMENTS:
                raise serializers.ValidationError(
                    f"At most {MAX_ATTACHMENTS} attachments; you sent {len(value)}.")
            return value

    class OutputSerializer(serializers.Serializer):
        """The diagnosis: parsed attachments, findings, ranked suggestions, escalation."""

        attachments = serializers.ListField(child=serializers.DictField())
        findings = serializers.ListField(child=serializers.DictField())
        suggestions = serializers.ListField(child=serializers.DictField())
        escalate = serializers.DictField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        attachments = []
        for index, item in enumerate(params["attachments"]):
            raw = item["data"]
            size = len(raw.encode("utf-8")) if isinstance(raw, str) else len(raw)
            if size > MAX_ATTACHMENT_BYTES:
                raise PayloadTooLarge(
                    f"Attachment {index + 1} ({item['name']}) is {size / 1048576:.1f} MB; "
                    f"the limit is {MAX_ATTACHMENT_BYTES // 1048576} MB. Paste the part "
                    "around the problem (for a log, the minutes before and after it)."
                )
            attachments.append((item["name"], raw))
        result = diagnosis_build(
            data=DiagnoseInput(
                description=params["description"], role=params.get("role"),
                protocol=params.get("protocol"), region=params.get("region"),
                stream_down=params["stream_down"], attachments=attachments,
            ),
            language=params.get("lang") or content_language(),
        )
        return Response(result)
