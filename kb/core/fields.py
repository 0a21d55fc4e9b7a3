"""Serializer fields that every API writes the same way."""

import datetime as dt

from rest_framework import serializers


class UtcDateTimeField(serializers.DateTimeField):
    """ISO 8601 in UTC with a Z and a four-digit year, whatever the viewer's zone.

    ``strftime("%Y")`` does not pad years before 1000 ("13-12-21T..."), and
    DRF's own field writes the viewer's offset; ``isoformat`` pads, and the
    value is moved to UTC first. Seconds are the finest unit written.
    """

    def to_representation(self, value: dt.datetime) -> str:
        utc = value.astimezone(dt.UTC).replace(microsecond=0, tzinfo=None)
        return utc.isoformat() + "Z"
