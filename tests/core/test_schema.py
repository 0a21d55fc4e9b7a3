import yaml
from django.core.management import call_command


def test_the_openapi_schema_validates_and_each_api_has_its_own_shapes(tmp_path, db):
    path = tmp_path / "schema.yaml"
    # --fail-on-warn: colliding component names or operation ids fail here.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    detail = schema["paths"]["/api/v1/tickets/{ticket_id}/"]["get"]
    ref = detail["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/TicketDetailOutput")
    assert "Output" not in schema["components"]["schemas"]
