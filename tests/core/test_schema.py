import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator


def test_the_openapi_schema_validates_and_each_api_has_its_own_shapes(tmp_path, db):
    path = tmp_path / "schema.yaml"
    # --fail-on-warn: colliding component names or operation ids fail here.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    detail = schema["paths"]["/api/v1/tickets/{ticket_id}/"]["get"]
    ref = detail["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/TicketDetailOutput")
    assert "Output" not in schema["components"]["schemas"]


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def operation(schema: dict, method: str, path: str) -> dict:
    return schema["paths"][f"/api/v1/{path}"][method]


def statuses(schema: dict, method: str, path: str) -> set[str]:
    return set(operation(schema, method, path)["responses"])


def component(schema: dict, name: str) -> dict:
    return schema["components"]["schemas"][name]


class TestWhatTicketsSay:
    def test_assignee_and_event_actor_may_be_null(self, schema):
        for name in ("TicketOutput", "TicketDetailOutput", "TicketQueueOutput"):
            assert component(schema, name)["properties"]["assignee"]["nullable"] is True
        events = component(schema, "TicketDetailOutput")["properties"]["events"]
        assert events["items"]["$ref"].endswith("/TicketOutputEvent")
        assert component(schema, "TicketOutputEvent")["properties"]["actor"]["nullable"] is True

    def test_every_ticket_operation_is_its_own_operation_with_its_input(self, schema):
        operations = {path.rsplit("/", 2)[-2] for path in schema["paths"]
                      if path.startswith("/api/v1/tickets/{ticket_id}/") and
                      path != "/api/v1/tickets/{ticket_id}/"}
        assert operations == {"acknowledge", "locate", "resolve", "wait", "assign", "close",
                              "confirm", "comment", "reopen"}
        resolve = operation(schema, "post", "tickets/{ticket_id}/resolve/")
        body = resolve["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        fields = component(schema, body.rsplit("/", 1)[-1])["properties"]
        assert {"article", "article_id", "summary"} <= set(fields)
        assert "requestBody" not in operation(schema, "post",
                                              "tickets/{ticket_id}/acknowledge/")


class TestErrorStatuses:
    @pytest.mark.parametrize("method, path, expected", [
        # Public reads without input answer nothing but their data.
        ("get", "teams/", set()),
        ("get", "sla/response-times", {"400"}),
        # A configuration error this API documents itself.
        ("get", "sla/preview", {"400", "404"}),
        # A token that is not valid is refused wherever one is read.
        ("get", "problems/", {"400", "401"}),
        ("get", "articles/", {"400", "401"}),
        ("get", "articles/{language}/{slug}/", {"401", "404"}),
        ("get", "search", {"400", "401", "429"}),
        # Bodies: JSON only, validated, size-limited, CSRF-checked for sessions.
        ("post", "articles/{language}/{slug}/feedback/",
         {"400", "401", "403", "404", "413", "415", "429"}),
        ("post", "diagnose", {"400", "401", "403", "413", "415", "429"}),
        ("post", "tickets/", {"400", "401", "403", "413", "415"}),
        ("get", "tickets/{ticket_id}/", {"401", "404"}),
        ("post", "tickets/{ticket_id}/resolve/", {"400", "401", "403", "404", "413", "415"}),
        # An operation without input reads no body; its service may still
        # refuse the step for the ticket's status (400).
        ("post", "tickets/{ticket_id}/acknowledge/", {"400", "401", "403", "404"}),
        ("get", "tickets/queue/", {"400", "401", "403"}),
    ])
    def test_each_operation_documents_the_errors_it_can_answer(self, schema, method, path,
                                                                expected):
        errors = {s for s in statuses(schema, method, path) if s >= "400"}
        # Throttles are added to more operations over time: at least these.
        assert expected <= errors
        assert errors - expected <= {"429"}

    def test_every_error_has_a_json_body_with_a_detail(self, schema):
        for ops in schema["paths"].values():
            for op in ops.values():
                for status, response in op["responses"].items():
                    if status < "400":
                        continue
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    body = component(schema, ref.rsplit("/", 1)[1])
                    assert "detail" in body["properties"]

    def test_shapes_name_the_limits(self, schema):
        assert "limit_bytes" in component(schema, "PayloadTooLargeError")["properties"]
        assert "retry_after_seconds" in component(schema, "ThrottledError")["properties"]
        assert component(schema, "ValidationError")["additionalProperties"] == {}

    def test_bodies_are_json_only(self, schema):
        # Except the mail relay's: its body is the raw e-mail (the design's
        # contract), message/rfc822 and nothing else.
        raw_mail = {"/api/v1/mail/inbound": ["message/rfc822"]}
        for path, ops in schema["paths"].items():
            for op in ops.values():
                if "requestBody" in op:
                    assert list(op["requestBody"]["content"]) == \
                        raw_mail.get(path, ["application/json"])

    def test_optional_query_parameters_may_be_empty_and_required_ones_not(self, schema):
        params = {p["name"]: p for p in operation(schema, "get", "sla/preview")["parameters"]}
        assert params["at"]["allowEmptyValue"] is True
        assert "allowEmptyValue" not in params["priority"]

    def test_paging_parameters_state_their_range(self, schema):
        params = {p["name"]: p["schema"] for p in operation(schema, "get", "articles/")
                  ["parameters"]}
        assert (params["limit"]["minimum"], params["limit"]["maximum"]) == (1, 100)
        assert (params["offset"]["minimum"], params["offset"]["maximum"]) == (0, 1_000_000)
