import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kb.articles.models import Article
from kb.core.choices import Language, Priority, Protocol, Region, Role
from kb.core.exceptions import ApplicationError
from kb.core.fields import UtcDateTimeField
from kb.core.serializers import JsonInputSerializer
from kb.diagnose.serializers import AttachmentInputSerializer
from kb.problems.models import Problem
from kb.tickets.forms import MAX_LOGS
from kb.tickets.models import Team, Ticket
from kb.tickets.permissions import ticket_operation_ensure
from kb.tickets.response_times import DEFAULT_WINDOW, WINDOWS, response_times_for
from kb.tickets.selectors import (
    organization_for,
    sla_preview,
    support_engineers,
    ticket_list_visible_to,
    ticket_queue,
    with_attachment_names,
)
from kb.tickets.services import (
    ticket_acknowledge,
    ticket_close,
    ticket_comment,
    ticket_create,
    ticket_locate,
    ticket_reassign,
    ticket_reopen,
    ticket_resolve,
    ticket_wait_on_customer,
)
from kb.tickets.throttles import TicketFilingThrottle


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


SLA_PREVIEW_FROM = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
SLA_PREVIEW_UNTIL = dt.datetime(2101, 1, 1, tzinfo=dt.UTC)
SLA_PREVIEW_RANGE_MESSAGE = "Give a time from 2000-01-01 to 2100-12-31 (UTC)."


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

        def validate_at(self, at: dt.datetime) -> dt.datetime:
            # Team calendars cannot count past year 9999, nor before year 1;
            # a promise outside this century is nonsense anyway.
            if not SLA_PREVIEW_FROM <= at < SLA_PREVIEW_UNTIL:
                raise serializers.ValidationError(SLA_PREVIEW_RANGE_MESSAGE)
            return at

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
            OpenApiParameter("at", OpenApiTypes.DATETIME, required=False,
                             description="ISO 8601, from 2000-01-01 to 2100-12-31 UTC; "
                                         "default now"),
        ],
        responses={200: OutputSerializer,
                   404: OpenApiResponse(description="no SLA policy or team is configured")},
    )
    def get(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        preview = sla_preview(priority=params["priority"], region=params["region"],
                              at=params.get("at") or timezone.now())
        return Response(self.OutputSerializer(preview).data)


class ResponseTimesStageSerializer(serializers.Serializer):
    target_minutes = serializers.IntegerField(allow_null=True)
    business = serializers.BooleanField(help_text="minutes are working minutes of the team")
    tickets = serializers.IntegerField(help_text="filed in the window")
    reached = serializers.IntegerField(help_text="stage reached: these are measured")
    open = serializers.IntegerField(help_text="stage not reached yet")
    open_overdue = serializers.IntegerField(help_text="open and already past due")
    met = serializers.IntegerField(help_text="reached at or before the due time")
    missed = serializers.IntegerField(help_text="reached late, plus open_overdue")
    median_minutes = serializers.IntegerField(allow_null=True)
    p90_minutes = serializers.IntegerField(allow_null=True)
    share_met = serializers.FloatField(allow_null=True,
                                       help_text="met / (met + missed); null if both are 0")


class ResponseTimesGroupSerializer(serializers.Serializer):
    tickets = serializers.IntegerField()
    stages = serializers.DictField(child=ResponseTimesStageSerializer(),
                                   help_text="acknowledge, locate, resolve")


class ResponseTimesRegionSerializer(ResponseTimesGroupSerializer):
    region = serializers.ChoiceField(choices=Region.values)


class ResponseTimesPrioritySerializer(serializers.Serializer):
    priority = serializers.ChoiceField(choices=Priority.values)
    business = serializers.BooleanField()
    overall = ResponseTimesGroupSerializer()
    regions = serializers.SerializerMethodField()

    @extend_schema_field(ResponseTimesRegionSerializer(many=True))
    def get_regions(self, figures) -> list[dict]:
        return [{"region": region, **ResponseTimesGroupSerializer(group).data}
                for region, group in figures.regions.items()]


class ResponseTimesSerializer(serializers.Serializer):
    window_days = serializers.IntegerField()
    since = UtcDateTimeField()
    until = UtcDateTimeField()
    tickets = serializers.IntegerField(help_text="filed in the window")
    priorities = ResponseTimesPrioritySerializer(many=True)


class SlaResponseTimesApi(APIView):
    """Measured response times per priority and region over the last 30 or 90 days.

    Public, like the page: customers ask how fast support really responds
    before they buy.  Minutes are working minutes of the ticket's team when
    ``business`` is true, wall-clock minutes otherwise; ``share_met`` is
    within-target stages over decided ones (open stages past due count as
    missed), null when none is decided.  Percentiles by nearest rank.
    Cached for five minutes.
    """

    authentication_classes: list = []

    class InputSerializer(serializers.Serializer):
        window = serializers.ChoiceField(
            choices=WINDOWS, required=False, default=DEFAULT_WINDOW,
            error_messages={"invalid_choice": "The window must be 30 or 90 (days)."},
            help_text="Days before now in which the tickets were filed: 30 or 90",
        )

    # Named at module level: the schema names components by class name, and
    # a nested "OutputSerializer" would collide with every other API's.
    OutputSerializer = ResponseTimesSerializer

    @extend_schema(
        parameters=[OpenApiParameter("window", int, enum=list(WINDOWS), required=False,
                                     description="30 (default) or 90 days")],
        responses=OutputSerializer,
    )
    def get(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        figures = response_times_for(window_days=data.validated_data["window"])
        return Response(self.OutputSerializer(figures).data)


class TicketOutputSerializer(serializers.Serializer):
    class EventSerializer(serializers.Serializer):
        kind = serializers.CharField()
        text = serializers.CharField(source="display_text",
                                     help_text="in the request's language")
        public = serializers.BooleanField()
        actor = serializers.CharField(source="actor.username", default=None, allow_null=True,
                                      help_text="null for the system")
        created_at = UtcDateTimeField()

    id = serializers.IntegerField()
    subject = serializers.CharField()
    description = serializers.CharField()
    priority = serializers.CharField()
    status = serializers.CharField()
    region = serializers.CharField()
    stream_id = serializers.CharField()
    protocol = serializers.CharField()
    role = serializers.CharField()
    organization = serializers.CharField(source="organization.name")
    team = serializers.CharField(source="team.code")
    assignee = serializers.CharField(source="assignee.username", default=None,
                                     allow_null=True, help_text="null until someone takes it")
    due = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    created_at = UtcDateTimeField()

    def get_attachments(self, ticket: Ticket) -> list[dict]:
        return [{"name": a.name, "detected": a.detected, "size": a.size}
                for a in ticket.attachments.all()]

    def get_due(self, ticket: Ticket) -> dict:
        fmt = UtcDateTimeField().to_representation
        return {"acknowledge": fmt(ticket.acknowledge_due), "locate": fmt(ticket.locate_due),
                "resolve": fmt(ticket.resolve_due)}


class TicketListCreateApi(APIView):
    """A customer's tickets (their organization's); file a new one."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [TicketFilingThrottle]  # filing only

    class InputSerializer(JsonInputSerializer):
        subject = serializers.CharField(max_length=200)
        description = serializers.CharField(max_length=20_000)
        priority = serializers.ChoiceField(choices=Priority.values)
        region = serializers.ChoiceField(choices=Region.values)
        stream_id = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                          default="")
        protocol = serializers.ChoiceField(choices=Protocol.values, required=False,
                                           allow_blank=True, default="")
        role = serializers.ChoiceField(choices=Role.values, required=False, allow_blank=True,
                                       default="")
        attachments = AttachmentInputSerializer(
            many=True, required=False, default=list,
            help_text="text logs (content, or content_base64 for other encodings); "
                      "at most 5 of 2 MB")

        def validate_attachments(self, value):
            if len(value) > MAX_LOGS:
                raise serializers.ValidationError(
                    f"At most {MAX_LOGS} attachments; you sent {len(value)}.")
            return value

    @extend_schema(responses=TicketOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        tickets = with_attachment_names(ticket_list_visible_to(user=request.user))[:200]
        return Response(TicketOutputSerializer(tickets, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: TicketOutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = organization_for(user=request.user)
        if organization is None:
            raise ApplicationError("Your account belongs to no organization yet; ask your "
                                   "administrator to add you.", status_code=403)
        fields = dict(data.validated_data)
        attachments = [(a["name"], a["data"]) for a in fields.pop("attachments")]
        ticket = ticket_create(requester=request.user, organization=organization,
                               attachments=attachments, **fields)
        return Response(TicketOutputSerializer(ticket).data, status=status.HTTP_201_CREATED)


class TicketDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    class OutputSerializer(TicketOutputSerializer):
        events = serializers.SerializerMethodField()

        @extend_schema_field(TicketOutputSerializer.EventSerializer(many=True))
        def get_events(self, ticket: Ticket) -> list[dict]:
            events = ticket.events.select_related("actor")
            if not self.context["request"].user.is_staff:
                events = events.filter(public=True)
            return list(TicketOutputSerializer.EventSerializer(events, many=True).data)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, ticket_id: int) -> Response:
        ticket = get_object_or_404(ticket_list_visible_to(user=request.user), pk=ticket_id)
        return Response(self.OutputSerializer(ticket, context={"request": request}).data)


class ArticleReferenceSerializer(serializers.Serializer):
    """A fix as the articles API names it: its language and slug."""

    lang = serializers.ChoiceField(choices=Language.values)
    slug = serializers.SlugField(max_length=120)


class TicketOperationApi(APIView):
    """One operation on one ticket: who may do it is kb.tickets.permissions'
    rule (the pages' too), its input is the subclass's InputSerializer, and
    ``perform`` calls its service. Answers the ticket as it is afterwards."""

    permission_classes = [IsAuthenticated]
    operation = ""
    # None: the operation takes no input (a body is not read).
    InputSerializer: type[JsonInputSerializer] | None = None

    def perform(self, *, ticket: Ticket, user, data: dict) -> None:
        raise NotImplementedError

    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = get_object_or_404(ticket_list_visible_to(user=request.user), pk=ticket_id)
        ticket_operation_ensure(user=request.user, ticket=ticket, operation=self.operation)
        validated: dict = {}
        if self.InputSerializer is not None:
            data = self.InputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            validated = data.validated_data
        self.perform(ticket=ticket, user=request.user, data=validated)
        ticket.refresh_from_db()
        return Response(
            TicketDetailApi.OutputSerializer(ticket, context={"request": request}).data)


def _operation_schema(summary: str, input_serializer=None):
    return extend_schema(summary=summary, request=input_serializer, responses={
        200: TicketDetailApi.OutputSerializer,
        # The services refuse a step the ticket's status does not allow.
        400: OpenApiResponse(description="The ticket's status does not allow this now "
                                         "(e.g. confirming a ticket that is not resolved)."),
    })


class TicketAcknowledgeApi(TicketOperationApi):
    operation = "acknowledge"

    @_operation_schema("Support takes the ticket (the acknowledge target is met)")
    def post(self, request: Request, ticket_id: int) -> Response:
        return super().post(request, ticket_id)

    def perform(self, *, ticket, user, data):
        ticket_acknowledge(ticket=ticket, actor=user)


class TicketLocateApi(TicketOperationApi):
    operation = "locate"

    class InputSerializer(JsonInputSerializer):
        problems = serializers.ListField(child=serializers.CharField(max_length=64),
                                         min_length=1, max_length=10,
                                         help_text="problem codes of the diagnosis")

        def validate_problems(self, codes):
            problems = list(Problem.objects.filter(code__in=codes))
            unknown = sorted(set(codes) - {p.code for p in problems})
            if unknown:
                raise serializers.ValidationError(f"Unknown problem codes: {unknown}")
            return problems

    @_operation_schema("Record the diagnosis: the problem codes (the locate target is met)",
                       InputSerializer)
    def post(self, request: Request, ticket_id: int) -> Response:
        return super().post(request, ticket_id)

    def perform(self, *, ticket, user, data):
        ticket_locate(ticket=ticket, actor=user, problems=data["problems"])


class TicketResolveApi(TicketOperationApi):
    operation = "resolve"

    class InputSerializer(JsonInputSerializer):
        article = ArticleReferenceSerializer(
            required=False, allow_null=True, default=None,
            help_text="the fix that solved it, as the articles API names it")
        article_id = serializers.IntegerField(
            required=False, allow_null=True, default=None,
            help_text="the fix by its id (the `id` of the articles API), instead of `article`")
        summary = serializers.CharField(required=False, allow_blank=True, default="",
                                        max_length=4000,
                                        help_text="what was done, when no article fits")

        def validate(self, data):
            published = Article.objects.filter(status=Article.Status.PUBLISHED)
            reference, article_id = data.pop("article"), data.pop("article_id")
            if reference is not None and article_id is not None:
                raise serializers.ValidationError("Name the fix once: `article` or `article_id`.")
            article = None
            if reference is not None:
                article = published.filter(language=reference["lang"],
                                           slug=reference["slug"]).first()
                if article is None:
                    raise serializers.ValidationError(
                        {"article": "No published article has this language and slug."})
            elif article_id is not None:
                article = published.filter(pk=article_id).first()
                if article is None:
                    raise serializers.ValidationError(
                        {"article_id": "No published article has this id."})
            data["article"] = article
            return data

    @_operation_schema("Resolve with the fix that solved it, or a summary when none fits",
                       InputSerializer)
    def post(self, request: Request, ticket_id: int) -> Response:
        return super().post(request, ticket_id)

    def perform(self, *, ticket, user, data):
        ticket_resolve(ticket=ticket, actor=user, article=data["article"],
                       summary=data["summary"])


class TicketWaitApi(TicketOperationApi):
    operation = "wait"

    class InputSerializer(JsonInputSerializer):
        text = serializers.CharField(max_length=20_000, help_text="the question to the customer")

    @_operation_schema("Ask the customer (the SLA clock pauses until they reply)",
                       InputSerializer)
    def post(self, request: Request, ticket_id: int) -> Response:
        return super().post(request, ticket_id)

    def perform(self, *, ticket, user, data):
        ticket_wait_on_customer(ticket=ticket, actor=user, question=data["text"])


class TicketAssignApi(TicketOperationApi):
    operation = "assign"

    class InputSerializer(JsonInputSerializer):
        team = serializers.SlugRelatedField(slug_field="code", queryset=Team.objects.all(),
                                            required=False, allow_null=True, default=None)
        assignee = serializers.SlugRelatedField(
            slug_field="username", required=False, allow_null=True, default=None,
            queryset=support_engineers(), help_text="a support engineer's username")

    @_operation_schema("Hand the ticket to another team or engineer (due times are kept)",
                       InputSerializer)
    def post(self, request: Request, ticket_id: int) -> Response:
        return super().post(request, ticket_id)

    def perform(self, *, ticket, user, data):
        ticket_reassign(ticket=ticket, actor=user, team=data["team"],
                        assignee=data["assignee"])


class TicketCloseApi(TicketOperationApi):
    operation = "close"

    @_operation_schema("Support closes the ticket")
    def post(self, request: Request, ticket_id: int) -> Response:
        return super().post(request, ticket_id)

    def perform(self, *, ticket, user, data):
        ticket_close(ticket=ticket, actor=user)


class TicketConfirmApi(TicketOperationApi):
    operation = "confirm"

    @_operation_schema("The customer confirms the fix: the ticket closes")
    def post(self, request: Request, ticket_id: int) -> Response:
        return super().post(request, ticket_id)

    def perform(self, *, ticket, user, data):
        ticket_close(ticket=ticket, actor=user)


class TicketCommentApi(TicketOperationApi):
    operation = "comment"

    class InputSerializer(JsonInputSerializer):
        text = serializers.CharField(max_length=20_000)
        public = serializers.BooleanField(
            required=False, default=True,
            help_text="false: an internal note, for support engineers only")

    @_operation_schema("Reply on the timeline, or (support) add an internal note",
                       InputSerializer)
    def post(self, request: Request, ticket_id: int) -> Response:
        return super().post(request, ticket_id)

    def perform(self, *, ticket, user, data):
        if not data["public"]:
            ticket_operation_ensure(user=user, ticket=ticket, operation="note")
        ticket_comment(ticket=ticket, actor=user, text=data["text"], public=data["public"])


class TicketReopenApi(TicketOperationApi):
    operation = "reopen"

    class InputSerializer(JsonInputSerializer):
        text = serializers.CharField(max_length=20_000, help_text="what is still wrong")

    @_operation_schema("The fix did not hold: reopen with what is still wrong",
                       InputSerializer)
    def post(self, request: Request, ticket_id: int) -> Response:
        return super().post(request, ticket_id)

    def perform(self, *, ticket, user, data):
        ticket_reopen(ticket=ticket, actor=user, reason=data["text"])


class TicketQueueApi(APIView):
    """Staff: open tickets sorted by the time left to their next SLA target."""

    permission_classes = [IsAuthenticated]

    class FilterSerializer(serializers.Serializer):
        priority = serializers.ChoiceField(choices=Priority.values, required=False)
        region = serializers.ChoiceField(choices=Region.values, required=False)
        team = serializers.SlugField(required=False, max_length=16)
        status = serializers.ChoiceField(choices=Ticket.Status.values, required=False)
        mine = serializers.BooleanField(required=False, default=False)

    class OutputSerializer(TicketOutputSerializer):
        next_due = UtcDateTimeField()

    @extend_schema(parameters=[FilterSerializer],
                   responses={200: OutputSerializer(many=True),
                              403: OpenApiResponse(description="not support staff")})
    def get(self, request: Request) -> Response:
        if not request.user.is_staff:
            raise ApplicationError("The queue is for support staff.", status_code=403)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        tickets = with_attachment_names(
            ticket_queue(user=request.user, **filters.validated_data))[:500]
        return Response(self.OutputSerializer(tickets, many=True).data)
