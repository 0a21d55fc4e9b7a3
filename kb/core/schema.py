"""OpenAPI component names that stay unique.

Every API declares its serializers as nested ``InputSerializer`` and
``OutputSerializer`` classes; named by class name alone they would all be
one "Input" and one "Output" component. Naming them by their qualified name
(``TicketDetailApi.OutputSerializer`` -> ``TicketDetailOutput``) keeps each
operation pointing at its own shape.
"""

from drf_spectacular.openapi import AutoSchema


class QualifiedNameAutoSchema(AutoSchema):
    def get_serializer_name(self, serializer, direction):
        parts = type(serializer).__qualname__.split(".")
        return "".join(part.removesuffix("Api").removesuffix("Serializer")
                       for part in parts if part != "<locals>")
