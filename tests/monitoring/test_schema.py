"""The monitoring operations in the OpenAPI schema: every status documented."""

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("method, path, expected", [
    ("get", "monitoring/lines/", {"200", "401"}),
    ("post", "monitoring/lines/", {"201", "400", "401", "403", "413", "415", "429"}),
    ("post", "monitoring/samples", {"202", "400", "401", "403", "413", "415", "429"}),
    ("get", "monitoring/lines/{line_id}/incidents/", {"200", "401", "404"}),
    ("get", "status/", {"200"}),
])
def test_each_monitoring_operation_documents_every_status(schema, method, path, expected):
    assert set(schema["paths"][f"/api/v1/{path}"][method]["responses"]) == expected


def test_the_shapes_are_the_designs(schema):
    components = schema["components"]["schemas"]
    line = components["LineOutput"]
    assert set(line["properties"]) == {"id", "name", "from_region", "to_region", "kind",
                                       "state", "since", "open_incident"}
    assert line["properties"]["open_incident"]["nullable"] is True
    assert set(components["SampleIngestOutput"]["properties"]) == {"accepted", "duplicates"}
    sample = components["SampleIngestInputSample"]
    assert set(sample["required"]) == {"line", "at", "source", "sent", "received"}
    assert components["SampleIngestInput"]["properties"]["samples"]["maxItems"] == 1000
    assert set(components["IncidentOutput"]["properties"]) == {
        "id", "state", "severity", "opened_at", "resolved_at", "ticket", "priority"}
    assert components["LineStateEnum"]["enum"] == ["healthy", "degraded", "down", "no_data"]
