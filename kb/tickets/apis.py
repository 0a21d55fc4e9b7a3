import datetime as dt

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kb.tickets.models import Priority, Region, Team
from kb.tickets.selectors import sla_preview


class UtcDateTimeField(serializers.DateTimeField):
    """ISO 8601 in UTC with a Z, whatever the viewer's zone."""

    def to_representation(self, value):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class TeamListApi(APIView):
    """When each regional team is staffed (public: customers ask before they file)."""

    authentication_classes: list = []

    class OutputSerializer(serializers.Serializer):
        class HoursSerializer(serializers.Serializer):
            start = serializers.TimeField(format="%H:%M")
            end = serializers.TimeField(format="%H:%M")

        code = serializers.CharField()
        name = serializers.CharField()
        timezone = serializers.CharField()
        working_days = serializers.ListField(child=serializers.IntegerField())
        hours = serializers.SerializerMethodField()
        holidays = serializers.ListField(child=serializers.CharField())
        extra_working_days = serializers.ListField(child=serializers.CharField())

        def get_hours(self, team: Team) -> dict:
            return {"start": team.start.strftime("%H:%M"), "end": team.end.strftime("%H:%M")}

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(Team.objects.all(), many=True).data)


class SlaPreviewApi(APIView):
    """The team a ticket filed at ``at`` goes to and its promised due times."""

    authentication_classes: list = []

    class InputSerializer(serializers.Serializer):
        priority = serializers.ChoiceField(choices=Priority.values)
        region = serializers.ChoiceField(choices=Region.values)
        at = serializers.DateTimeField(
            required=False, default_timezone=dt.UTC,
            help_text="ISO 8601; without an offset it is read as UTC; default now",
        )

    class OutputSerializer(serializers.Serializer):
        class TargetSerializer(serializers.Serializer):
            minutes = serializers.IntegerField()
            business = serializers.BooleanField()
            due = UtcDateTimeField()

        priority = serializers.CharField()
        region = serializers.CharField()
        at = UtcDateTimeField()
        team = serializers.CharField()
        on_duty = serializers.BooleanField()
        targets = serializers.DictField(child=TargetSerializer())

    @extend_schema(
        parameters=[
            OpenApiParameter("priority", str, enum=Priority.values, required=True),
            OpenApiParameter("region", str, enum=Region.values, required=True),
            OpenApiParameter("at", str, required=False, description="ISO 8601; default now"),
        ],
        responses=OutputSerializer,
    )
    def get(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        preview = sla_preview(priority=params["priority"], region=params["region"],
                              at=params.get("at") or timezone.now())
        return Response(self.OutputSerializer(preview).data)
