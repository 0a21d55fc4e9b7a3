"""Serializer fields that every API writes the same way."""

import datetime as dt
import re

from rest_framework import serializers

_WHOLE_NUMBER = re.compile(r"-?[0-9]+")


class UtcDateTimeField(serializers.DateTimeField):
    """ISO 8601 in UTC with a Z and a four-digit year, whatever the viewer's zone.

    ``strftime("%Y")`` does not pad years before 1000 ("13-12-21T..."), and
    DRF's own field writes the viewer's offset; ``isoformat`` pads, and the
    value is moved to UTC first. Seconds are the finest unit written.
    """

    def to_representation(self, value: dt.datetime) -> str:
        utc = value.astimezone(dt.UTC).replace(microsecond=0, tzinfo=None)
        return utc.isoformat() + "Z"


class QueryIntegerField(serializers.IntegerField):
    """An integer query parameter as the schema states it: digits, perhaps
    after a minus sign. DRF's own field also reads "5.0" and "5.000" as 5
    (for HTML forms' sake); an API that says ``integer`` refuses them."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not _WHOLE_NUMBER.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)
