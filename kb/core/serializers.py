"""Input serializers for JSON bodies: each field takes its own JSON type only.

DRF's fields are lenient for HTML forms' sake: a boolean takes 0, "yes" or
"off", a string field takes 5, an integer field "5". A JSON API that says
``boolean`` in its schema and quietly accepts 0 is one a client cannot
trust (and schemathesis reports it). ``JsonInputSerializer`` checks the JSON
type of every field it is given, list items included, before DRF's own
validation; ``null`` is left to each field's ``allow_null``.
"""

import functools
from collections.abc import Mapping

from django.http import QueryDict
from rest_framework import serializers

# The JSON type each kind of field takes, most specific kinds first.
_JSON_TYPES: list[tuple[tuple[type, ...], tuple[type, ...], str]] = [
    ((serializers.BooleanField,), (bool,), "true or false"),
    ((serializers.IntegerField,), (int,), "a whole number"),
    ((serializers.FloatField, serializers.DecimalField), (int, float), "a number"),
    ((serializers.MultipleChoiceField, serializers.ListField, serializers.ListSerializer),
     (list,), "a list"),
    ((serializers.CharField, serializers.ChoiceField, serializers.SlugRelatedField,
      serializers.DateTimeField, serializers.DateField, serializers.TimeField), (str,),
     "a string"),
    ((serializers.Serializer, serializers.DictField), (dict,), "an object"),
]


def json_type_error(field: serializers.Field, value) -> str | None:
    """Why ``value`` is not of the JSON type ``field`` takes; None if it is."""
    if value is None:
        return None
    for kinds, types, name in _JSON_TYPES:
        if isinstance(field, kinds):
            if isinstance(field, serializers.ChoiceField) and not isinstance(
                    field, serializers.MultipleChoiceField) and not all(
                    isinstance(choice, str) for choice in field.choices):
                return None  # choices of other types: DRF compares them itself
            if isinstance(value, types) and not (isinstance(value, bool)
                                                  and bool not in types):
                return None
            return f"Must be {name}."
    return None


class JsonInputSerializer(serializers.Serializer):
    def to_internal_value(self, data):
        if isinstance(data, Mapping) and not isinstance(data, QueryDict):
            errors = {}
            for name, field in self.fields.items():
                if field.read_only or name not in data:
                    continue
                value = data[name]
                error = json_type_error(field, value)
                child = getattr(field, "child", None)
                if (error is None and value is not None
                        and isinstance(field, serializers.ListField) and child):
                    error = next((f"Item {index + 1}: {item_error}"
                                  for index, item in enumerate(value)
                                  if (item_error := json_type_error(child, item))), None)
                if error is not None:
                    errors[name] = [error]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def validated(serializer_class: type[serializers.Serializer], data) -> dict:
    """``data`` checked by ``serializer_class``: its validated data, or the
    ``ValidationError`` that ``is_valid(raise_exception=True)`` would raise.

    DRF deep-copies a serializer's declared fields for each instance, each
    copy running its field's ``__init__`` again: on the search API, some 70
    microseconds a request and about 80 objects left in reference cycles
    for the garbage collector. ``run_validation`` keeps no state on its
    serializer, so one instance per class, made once, serves every request
    and thread. Only for serializers that read no context (no request, no
    instance).
    """
    return _shared(serializer_class).run_validation(data)


@functools.cache
def _shared(serializer_class: type[serializers.Serializer]) -> serializers.Serializer:
    return serializer_class()
