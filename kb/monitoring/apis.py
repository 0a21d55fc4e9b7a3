"""The monitoring API: lines, samples, a line's incidents, the public status.

Tokens act as for the ticket API (``Authorization: Token <key>``): a
customer's token for its organization's lines only, staff for every line.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kb.core.choices import Region
from kb.core.exceptions import ApplicationError
from kb.core.fields import UtcDateTimeField
from kb.core.languages import content_language
from kb.core.serializers import JsonInputSerializer
from kb.monitoring.messages import render as render_message
from kb.monitoring.models import (
    Incident,
    IncidentUpdate,
    Line,
    LineProtocol,
    LineState,
    validate_host,
)
from kb.monitoring.regional import incident_title
from kb.monitoring.selectors import (
    line_ids_visible_to,
    line_incidents,
    line_list_visible_to,
    organizations_of,
)
from kb.monitoring.services import (
    MAX_SAMPLES,
    SITE_SOURCE,
    SampleInput,
    line_create,
    samples_record,
)
from kb.monitoring.status import StatusOverview, cached_status_overview, incident_regions
from kb.monitoring.throttles import LineCreateThrottle, SampleIngestThrottle
from kb.tickets.models import Organization

# How far ``at`` may lie ahead of the site's clock (probe clocks drift) and
# behind it (an agent's backlog after an outage).
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
MAX_AGE = dt.timedelta(days=7)
MAX_COUNT = 100_000
MAX_RTT_MS = 600_000.0

# The API's choice sets, named once in the schema (SPECTACULAR_SETTINGS'
# ENUM_NAME_OVERRIDES): several fields carry each.
LINE_STATES = LineState.values
STATUS_STATES = [*LineState.values, "maintenance"]
DAY_STATES = ["operational", "degraded", "down", "maintenance", "no_data"]
INCIDENT_STATES = Incident.State.values
INCIDENT_PRIORITIES = ["P1", "P2"]


class LineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    from_region = serializers.ChoiceField(choices=Region.values)
    to_region = serializers.ChoiceField(choices=Region.values)
    kind = serializers.ChoiceField(choices=Line.Kind.values)
    state = serializers.ChoiceField(choices=LINE_STATES)
    since = serializers.SerializerMethodField(help_text="when the line entered this state")
    open_incident = serializers.IntegerField(source="open_incident_id", allow_null=True,
                                             help_text="the open incident's id, or null")

    @extend_schema_field(UtcDateTimeField())
    def get_since(self, line: Line) -> str:
        return UtcDateTimeField().to_representation(line.state_since or line.created_at)


class LineListCreateApi(APIView):
    """The caller's lines with their state; add a line to monitor."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [LineCreateThrottle]

    def get_throttles(self):
        # Reading the list is free; only adding a line is counted.
        return super().get_throttles() if self.request.method == "POST" else []

    class InputSerializer(JsonInputSerializer):
        name = serializers.CharField(max_length=200)
        from_region = serializers.ChoiceField(choices=Region.values)
        to_region = serializers.ChoiceField(choices=Region.values)
        kind = serializers.ChoiceField(choices=Line.Kind.values)
        host = serializers.CharField(max_length=253, help_text="the ingest's host or address")
        port = serializers.IntegerField(min_value=1, max_value=65535)
        protocol = serializers.ChoiceField(choices=LineProtocol.values)
        organization = serializers.IntegerField(
            required=False, min_value=1, max_value=2**63 - 1,
            help_text="staff: the customer organization's id (customers add lines to "
                      "their own)")

        def validate_host(self, host: str) -> str:
            try:
                validate_host(host.strip())
            except ValidationError as exc:
                raise serializers.ValidationError(exc.messages) from exc
            return host.strip()

    OutputSerializer = LineOutputSerializer

    @extend_schema(responses=LineOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        lines = line_list_visible_to(user=request.user).filter(active=True)
        return Response(LineOutputSerializer(lines, many=True).data)

    @extend_schema(request=InputSerializer, responses={
        201: LineOutputSerializer,
        403: OpenApiResponse(description="the account belongs to no organization")})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        organization = self._organization(request, fields.pop("organization", None))
        line = line_create(organization=organization,
                           language=content_language(),
                           contact_email=request.user.email, **fields)
        line = line_list_visible_to(user=request.user).get(pk=line.pk)
        return Response(LineOutputSerializer(line).data, status=status.HTTP_201_CREATED)

    @staticmethod
    def _organization(request: Request, organization_id: int | None) -> Organization:
        if request.user.is_staff:
            if organization_id is None:
                raise serializers.ValidationError(
                    {"organization": ["Staff name the customer organization."]})
            organization = Organization.objects.filter(pk=organization_id).first()
            if organization is None:
                raise serializers.ValidationError({"organization": ["No such organization."]})
            return organization
        own = organizations_of(user=request.user)
        if organization_id is not None:
            organization = own.filter(pk=organization_id).first()
            if organization is None:
                raise serializers.ValidationError(
                    {"organization": ["You can add lines to your own organization only."]})
            return organization
        organization = own.first()
        if organization is None:
            raise ApplicationError("Your account belongs to no organization yet; ask your "
                                   "administrator to add you.", status_code=403)
        return organization


_SOURCE = r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$"
_SOURCE_PATTERN = re.compile(_SOURCE)
_RTT_FIELDS = ("rtt_min_ms", "rtt_avg_ms", "rtt_max_ms", "jitter_ms")


def _whole(value, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


# Not a time: tells a string already found invalid from one not seen yet.
_NOT_A_TIME = object()


def _quick_at(raw, now: dt.datetime):
    """``at`` parsed, when it is a plain valid time, else None."""
    if not isinstance(raw, str):
        return None
    try:
        at = parse_datetime(raw)
    except ValueError:  # well formed, yet no such time (a 13th month)
        return None
    if at is None:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    if not now - MAX_AGE <= at <= now + FUTURE_TOLERANCE:
        return None
    return at


def _sample_quickly(item, now: dt.datetime, times: dict | None = None) -> dict | None:
    """The validated sample when it is plainly valid, else None.

    A thousand samples through DRF's fields take about 80 ms; this takes a
    tenth of that. It accepts only what the serializer accepts; anything
    else (including what it would refuse) goes through the serializer,
    which words the errors. ``times`` keeps the ``at`` strings already
    parsed: the samples of one batch nearly all name the same minute.
    """
    if not isinstance(item, dict):
        return None
    line, sent, received, source = (item.get("line"), item.get("sent"),
                                    item.get("received"), item.get("source"))
    if not (_whole(line, 1, 2**63 - 1) and _whole(sent, 1, MAX_COUNT)
            and _whole(received, 0, sent) and isinstance(source, str)
            and source != SITE_SOURCE and _SOURCE_PATTERN.match(source)):
        return None
    rtts = {}
    for name in _RTT_FIELDS:
        value = item.get(name)
        if value is not None and not (type(value) in (int, float)
                                      and 0 <= value <= MAX_RTT_MS):
            return None
        rtts[name] = None if value is None else float(value)
    if received == 0 and any(v is not None for v in rtts.values()):
        return None
    low, avg, high = rtts["rtt_min_ms"], rtts["rtt_avg_ms"], rtts["rtt_max_ms"]
    if None not in (low, avg, high) and not low <= avg <= high:
        return None
    raw = item.get("at")
    if times is None or type(raw) is not str:
        at = _quick_at(raw, now)
    else:
        at = times.get(raw, _NOT_A_TIME)
        if at is _NOT_A_TIME:
            at = times[raw] = _quick_at(raw, now)
    if at is None:
        return None
    return {"line": line, "at": at, "source": source, "sent": sent, "received": received,
            **rtts}


def _samples_quickly(data) -> list[dict] | None:
    """Every sample of a request body validated by the quick path, or None
    when any of them (or the body's shape) needs the serializer."""
    if not isinstance(data, dict):
        return None
    items = data.get("samples")
    if not isinstance(items, list) or not 0 < len(items) <= MAX_SAMPLES:
        return None
    now = timezone.now()
    times: dict = {}
    samples = []
    for item in items:
        sample = _sample_quickly(item, now, times)
        if sample is None:
            return None
        samples.append(sample)
    return samples


class SampleIngestApi(APIView):
    """Store one-minute samples (at most 1,000); any invalid sample refuses
    the whole request and nothing is stored."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [SampleIngestThrottle]

    class InputSerializer(JsonInputSerializer):
        class SampleSerializer(JsonInputSerializer):
            line = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
            at = serializers.DateTimeField(
                default_timezone=dt.UTC,
                help_text="end of the minute measured, ISO 8601 (seconds are dropped); "
                          "not more than 7 days ago nor ahead of the site's clock")
            source = serializers.RegexField(
                _SOURCE, max_length=64,
                help_text="who measured (an agent's name): letters, digits and . _ : @ -")
            sent = serializers.IntegerField(min_value=1, max_value=MAX_COUNT)
            received = serializers.IntegerField(min_value=0, max_value=MAX_COUNT)
            rtt_min_ms = serializers.FloatField(min_value=0, max_value=MAX_RTT_MS,
                                                allow_null=True, required=False, default=None)
            rtt_avg_ms = serializers.FloatField(min_value=0, max_value=MAX_RTT_MS,
                                                allow_null=True, required=False, default=None)
            rtt_max_ms = serializers.FloatField(min_value=0, max_value=MAX_RTT_MS,
                                                allow_null=True, required=False, default=None)
            jitter_ms = serializers.FloatField(min_value=0, max_value=MAX_RTT_MS,
                                               allow_null=True, required=False, default=None)

            def validate_source(self, source: str) -> str:
                if source == SITE_SOURCE:
                    raise serializers.ValidationError(
                        f"“{SITE_SOURCE}” is the site's own prober; name your agent.")
                return source

            def validate_at(self, at: dt.datetime) -> dt.datetime:
                now = timezone.now()
                if at > now + FUTURE_TOLERANCE:
                    raise serializers.ValidationError(
                        "This time is in the future; check the probe's clock (NTP).")
                if at < now - MAX_AGE:
                    raise serializers.ValidationError(
                        "Samples older than 7 days are not accepted.")
                return at

            def validate(self, data: dict) -> dict:
                if data["received"] > data["sent"]:
                    raise serializers.ValidationError(
                        {"received": ["More replies received than probes sent."]})
                rtts = [data["rtt_min_ms"], data["rtt_avg_ms"], data["rtt_max_ms"]]
                if data["received"] == 0 and any(
                        v is not None for v in (*rtts, data["jitter_ms"])):
                    raise serializers.ValidationError(
                        {"rtt_avg_ms": ["Nothing came back: RTT and jitter must be null."]})
                known = [v for v in rtts if v is not None]
                if len(known) == 3 and not rtts[0] <= rtts[1] <= rtts[2]:
                    raise serializers.ValidationError(
                        {"rtt_avg_ms": ["Needs rtt_min_ms <= rtt_avg_ms <= rtt_max_ms."]})
                return data

        samples = serializers.ListField(child=SampleSerializer(), min_length=1,
                                        max_length=MAX_SAMPLES,
                                        help_text=f"at most {MAX_SAMPLES:,}")

        def to_internal_value(self, data):
            # A plainly valid batch skips DRF's fields (and the JSON type
            # checks the quick path makes itself); only the lines are looked
            # up. Anything else takes the serializer's path, which words the
            # errors.
            samples = _samples_quickly(data)
            if samples is None:
                return super().to_internal_value(data)
            try:
                return {"samples": self.validate_samples(samples)}
            except serializers.ValidationError as exc:
                # As DRF reports a field's own validate_<field> error.
                raise serializers.ValidationError({"samples": exc.detail}) from exc

        def validate_samples(self, samples: list[dict]) -> list[dict]:
            user = self.context["request"].user
            visible = line_ids_visible_to(user=user, ids={s["line"] for s in samples})
            # Keyed by the sample's index, as DRF reports the items' own errors.
            errors = {index: {"line": ["No such line of yours."]}
                      for index, s in enumerate(samples) if s["line"] not in visible}
            if errors:
                raise serializers.ValidationError(errors)
            return samples

    class OutputSerializer(serializers.Serializer):
        accepted = serializers.IntegerField(help_text="samples stored")
        duplicates = serializers.IntegerField(
            help_text="samples of a line, source and minute already stored (or twice in "
                      "this request): ignored")

    @extend_schema(request=InputSerializer, responses={202: OutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        accepted, duplicates = samples_record(samples=[
            SampleInput(line_id=s["line"], source=s["source"], at=s["at"], sent=s["sent"],
                        received=s["received"], rtt_min_ms=s["rtt_min_ms"],
                        rtt_avg_ms=s["rtt_avg_ms"], rtt_max_ms=s["rtt_max_ms"],
                        jitter_ms=s["jitter_ms"])
            for s in data.validated_data["samples"]])
        return Response(self.OutputSerializer({"accepted": accepted,
                                               "duplicates": duplicates}).data,
                        status=status.HTTP_202_ACCEPTED)


class IncidentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=INCIDENT_STATES)
    severity = serializers.ChoiceField(choices=Incident.Severity.values)
    opened_at = UtcDateTimeField()
    resolved_at = UtcDateTimeField(allow_null=True)
    ticket = serializers.IntegerField(source="ticket_id", allow_null=True,
                                      help_text="the ticket monitoring filed")
    priority = serializers.ChoiceField(choices=INCIDENT_PRIORITIES)


class LineIncidentListApi(APIView):
    """A line's incidents, the newest first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=IncidentOutputSerializer(many=True))
    def get(self, request: Request, line_id: int) -> Response:
        line = get_object_or_404(line_list_visible_to(user=request.user), pk=line_id)
        return Response(IncidentOutputSerializer(line_incidents(line=line), many=True).data)


# The public status -----------------------------------------------------------
class StatusDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    uptime_pct = serializers.FloatField(allow_null=True,
                                        help_text="null: not monitored that day")
    state = serializers.ChoiceField(choices=DAY_STATES)


class StatusEntrySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=STATUS_STATES,
                                    help_text="maintenance: planned work covers it now")
    uptime_pct = serializers.FloatField(allow_null=True, help_text="over the 90 days")
    days = StatusDaySerializer(many=True, help_text="90 days, the oldest first (UTC days)")


class StatusRegionSerializer(StatusEntrySerializer):
    region = serializers.ChoiceField(choices=Region.values)
    name = serializers.CharField()


class StatusRouteSerializer(StatusEntrySerializer):
    id = serializers.IntegerField(source="line.pk")
    name = serializers.CharField()
    from_region = serializers.ChoiceField(choices=Region.values, source="line.from_region")
    to_region = serializers.ChoiceField(choices=Region.values, source="line.to_region")


class StatusUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=IncidentUpdate.Status.values)
    text = serializers.SerializerMethodField(help_text="plain text (Markdown for staff "
                                                       "updates), in the request's language")
    html = serializers.SerializerMethodField(help_text="sanitized HTML")
    created_at = UtcDateTimeField()

    def get_text(self, update: IncidentUpdate) -> str:
        return render_message(update.code, update.params) if update.code else update.body

    def get_html(self, update: IncidentUpdate) -> str:
        return (f"<p>{escape(render_message(update.code, update.params))}</p>"
                if update.code else update.body_html)


class StatusIncidentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.SerializerMethodField(help_text="in the requested language")
    severity = serializers.ChoiceField(choices=Incident.Severity.values)
    state = serializers.ChoiceField(choices=INCIDENT_STATES)
    opened_at = UtcDateTimeField()
    resolved_at = UtcDateTimeField(allow_null=True)
    regions = serializers.SerializerMethodField()
    route = serializers.SerializerMethodField(help_text="the dedicated route's id, or null")
    updates = StatusUpdateSerializer(many=True, source="updates.all")
    postmortem_html = serializers.CharField(help_text="sanitized HTML; empty until written")

    def get_title(self, incident: Incident) -> str:
        return incident_title(incident)

    def get_regions(self, incident: Incident) -> list[str]:
        return incident_regions(incident)

    def get_route(self, incident: Incident) -> int | None:
        line = incident.line
        return line.pk if line is not None and line.kind == Line.Kind.DEDICATED else None


class StatusMaintenanceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    starts_at = UtcDateTimeField()
    ends_at = UtcDateTimeField()
    regions = serializers.ListField(child=serializers.CharField())
    routes = serializers.SerializerMethodField()

    def get_routes(self, window) -> list[int]:
        return sorted(line.pk for line in window.lines.all()
                      if line.public and line.kind == Line.Kind.DEDICATED)


class StatusSerializer(serializers.Serializer):
    generated_at = UtcDateTimeField()
    state = serializers.ChoiceField(choices=STATUS_STATES, help_text="the worst state shown")
    regions = StatusRegionSerializer(many=True, help_text="each region's ingest")
    routes = StatusRouteSerializer(many=True, help_text="each dedicated route")
    incidents = serializers.SerializerMethodField()
    maintenance = StatusMaintenanceSerializer(many=True,
                                              help_text="ongoing and upcoming windows")

    @extend_schema_field(StatusIncidentSerializer(many=True))
    def get_incidents(self, overview: StatusOverview) -> list[dict]:
        """Open incidents first, then the past 90 days' (the newest first)."""
        return list(StatusIncidentSerializer([*overview.active, *overview.past],
                                             many=True).data)


class StatusApi(APIView):
    """The public status: each region's ingest and each dedicated route with
    its state and 90 daily uptime figures, incidents with their updates,
    maintenance. Public, cached for 30 seconds."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    OutputSerializer = StatusSerializer

    @extend_schema(responses=StatusSerializer)
    def get(self, request: Request) -> Response:
        return Response(StatusSerializer(cached_status_overview()).data)
