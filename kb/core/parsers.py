"""JSON request bodies with a bounded depth.

Python's JSON decoder recurses once per level: a body of a thousand nested
brackets (a few kilobytes) raises RecursionError, which DRF does not catch
(a 500), and a slightly shallower one parses but can still exhaust the stack
in whatever walks it next. No request of this API nests deeper than a few
levels, so anything past MAX_JSON_DEPTH is refused with 400 and the limit.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 32
DEPTH_MESSAGE = (f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep; "
                 "no request of this API needs that many.")


def exceeds_depth(value, limit: int) -> bool:
    """Whether arrays and objects in ``value`` nest more than ``limit`` deep.

    Walked with an explicit stack: recursing here would fail the same way.
    """
    if not isinstance(value, dict | list):
        return False
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing bodies nested more than MAX_JSON_DEPTH deep."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(DEPTH_MESSAGE) from exc
        if exceeds_depth(data, MAX_JSON_DEPTH):
            raise ParseError(DEPTH_MESSAGE)
        return data
