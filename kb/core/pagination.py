"""Pages of a list API: ``limit`` and ``offset``, validated like any input.

DRF's own limit/offset pagination reads nonsense as the default page and
passes any integer on to the database, where 2**63 overflows (a 500). Here a
limit outside 1..MAX_LIMIT or an offset outside 0..MAX_OFFSET is refused with
400 and the field's message, the same way search refuses its own ``limit``
and ``offset``; the schema states both ranges.
"""

from rest_framework import pagination, serializers

from kb.core.fields import QueryIntegerField

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
# Far beyond any list here; a larger number is refused instead of reaching
# the database, which cannot hold it.
MAX_OFFSET = 1_000_000


class PageSerializer(serializers.Serializer):
    limit = QueryIntegerField(min_value=1, max_value=MAX_LIMIT, required=False,
                              default=DEFAULT_LIMIT)
    offset = QueryIntegerField(min_value=0, max_value=MAX_OFFSET, required=False, default=0)


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT

    def paginate_queryset(self, queryset, request, view=None):
        # Validated once, before DRF reads the parameters its own way.
        page = PageSerializer(data=request.query_params)
        page.is_valid(raise_exception=True)
        self._page = page.validated_data
        return super().paginate_queryset(queryset, request, view)

    def get_limit(self, request) -> int:
        return self._page["limit"]

    def get_offset(self, request) -> int:
        return self._page["offset"]

    def get_schema_operation_parameters(self, view) -> list[dict]:
        limit, offset = super().get_schema_operation_parameters(view)
        limit["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                           "default": DEFAULT_LIMIT}
        limit["description"] = f"Results per page: 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})."
        offset["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET,
                            "default": 0}
        offset["description"] = f"Results to skip: 0 to {MAX_OFFSET:,}."
        return [limit, offset]
