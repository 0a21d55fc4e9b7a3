"""Pasted or uploaded logs as API clients send them: the diagnose API and the
ticket API read attachments the same way."""

import base64
import binascii

from rest_framework import serializers

from kb.core.serializers import JsonInputSerializer


class AttachmentInputSerializer(JsonInputSerializer):
    """Text as ``content``, or a file in another encoding (the UTF-16 of a
    Windows redirect, GBK from a Chinese console) as ``content_base64``.
    Validated data: ``name`` and ``data`` (str or bytes)."""

    name = serializers.CharField(max_length=200, required=False, default="attachment")
    content = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    content_base64 = serializers.CharField(required=False, allow_blank=True)

    def validate(self, attrs):
        if "content" in attrs and "content_base64" in attrs:
            raise serializers.ValidationError("Give content or content_base64, not both.")
        if "content_base64" in attrs:
            try:
                attrs["data"] = base64.b64decode(attrs.pop("content_base64"), validate=True)
            except (binascii.Error, ValueError) as exc:
                raise serializers.ValidationError(
                    {"content_base64": "This is not valid base64."}) from exc
        else:
            attrs["data"] = attrs.pop("content", "")
        return attrs
