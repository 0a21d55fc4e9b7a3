"""The OpenAPI schema: unique component names, and every error an operation answers.

Every API declares its serializers as nested ``InputSerializer`` and
``OutputSerializer`` classes; named by class name alone they would all be
one "Input" and one "Output" component. Naming them by their qualified name
(``TicketDetailApi.OutputSerializer`` -> ``TicketDetailOutput``) keeps each
operation pointing at its own shape.

An optional query parameter may be sent empty (``?lang=``): DRF reads it
as not given, and the schema says so (``allowEmptyValue``).

Error statuses are derived from what the view is made of, so a new API is
documented without anyone remembering to (one rule per status, in
``error_statuses``). An API documents a further error itself with
``extend_schema(responses={404: OpenApiResponse(description=...)})``; its
body shape is filled in here.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated

_DETAIL = {"detail": {"type": "string", "description": "what went wrong, for a person"}}

ERROR_COMPONENTS = {
    "Error": {
        "type": "object",
        "properties": _DETAIL,
        "required": ["detail"],
    },
    "ValidationError": {
        "type": "object",
        "description": "Field errors: each refused field with its messages (nested for "
                       "nested input); `detail` for an error not tied to one field, such "
                       "as a body that is not JSON.",
        "properties": _DETAIL,
        "additionalProperties": {},
    },
    "PayloadTooLargeError": {
        "type": "object",
        "properties": {**_DETAIL, "limit_bytes": {
            "type": "integer", "description": "the largest body accepted, in bytes"}},
        "required": ["detail"],
    },
    "ThrottledError": {
        "type": "object",
        "properties": {**_DETAIL, "retry_after_seconds": {
            "type": "integer", "description": "when to try again"}},
        "required": ["detail"],
    },
}

ERRORS = {
    "400": ("ValidationError", "The input is invalid: each refused field with the reason."),
    "401": ("Error", "No credentials, or a token or session that is not valid."),
    "403": ("Error", "Signed in, but not allowed to do this (or the CSRF token is missing "
                     "for a session)."),
    "404": ("Error", "No such object, or not one the caller may see."),
    "413": ("PayloadTooLargeError", "The request body, or an attachment in it, is too large."),
    "415": ("Error", "The body is not JSON: send Content-Type application/json."),
    "429": ("ThrottledError", "Too many requests from this client; try again later."),
}

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class QualifiedNameAutoSchema(AutoSchema):
    def get_serializer_name(self, serializer, direction):
        parts = type(serializer).__qualname__.split(".")
        return "".join(part.removesuffix("Api").removesuffix("Serializer")
                       for part in parts if part != "<locals>")

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            # DRF reads an empty optional query parameter ("?lang=") as one
            # not given: its default applies.
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        responses = operation["responses"]
        for status in sorted(self.error_statuses(operation) | _errors_in(responses)):
            component, description = ERRORS.get(status, ("Error", "Refused."))
            documented = responses.setdefault(status, {"description": description})
            documented.setdefault("content", {
                "application/json": {"schema": self._error_component(component).ref}})
        return operation

    def error_statuses(self, operation: dict) -> set[str]:
        """The error statuses this operation can answer, from the view's parts."""
        view, method = self.view, self.method
        statuses = set()
        if "requestBody" in operation or any(
                p["in"] == "query" for p in operation.get("parameters", [])):
            statuses.add("400")  # input is validated
        if "requestBody" in operation:
            statuses.add("413")  # kb.core.api_errors and the attachment limits
            statuses.add("415")  # the API reads JSON only
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            statuses.add("404")  # the object named in the path
        authenticators = view.get_authenticators()
        if authenticators:
            statuses.add("401")  # an invalid token is refused wherever it is read
        # IsAuthenticated alone refuses with 401 (the token authenticator
        # names its scheme); an API that refuses a signed-in caller declares
        # its 403, unless a session's CSRF check already brings one.
        if any(not isinstance(p, (AllowAny, IsAuthenticated)) for p in view.get_permissions()) or (
                method in UNSAFE_METHODS
                and any(isinstance(a, SessionAuthentication) for a in authenticators)):
            statuses.add("403")
        if view.get_throttles():
            statuses.add("429")
        return statuses

    def _error_component(self, name: str) -> ResolvedComponent:
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA,
                                      schema=ERROR_COMPONENTS[name], object=name)
        self.registry.register_on_missing(component)
        return component


def _errors_in(responses: dict) -> set[str]:
    """Error statuses an API documented itself (their bodies are filled in)."""
    return {code for code in responses if code.startswith(("4", "5"))}
