"""Curated synonyms: loaded from fixtures, edited in the admin, read per query."""

import time
import tomllib

from django.db.models import Count, Max

from kb.search.models import Synonym
from kb.search.query import SynonymTable

_synonyms: dict = {"signature": None, "table": SynonymTable([]), "checked": 0.0}
SYNONYM_CHECK_INTERVAL_S = 5.0


def synonym_table() -> SynonymTable:
    """The curated synonyms, reloaded when staff change them."""
    now = time.monotonic()
    if now - _synonyms["checked"] < SYNONYM_CHECK_INTERVAL_S:
        return _synonyms["table"]
    _synonyms["checked"] = now
    signature = tuple(Synonym.objects.aggregate(n=Count("id"), at=Max("updated_at")).values())
    if signature != _synonyms["signature"]:
        groups = [s.term_list for s in Synonym.objects.all()]
        _synonyms.update(signature=signature, table=SynonymTable(groups))
    return _synonyms["table"]


def synonyms_reload() -> None:
    _synonyms["checked"] = 0.0


def synonyms_load_fixture(*, path) -> int:
    """Add the fixture's synonym groups that are not there yet; returns how many.

    A group the fixture replaced (``[[replaced]]``, with the terms it was
    loaded with) is deleted where it still has exactly those terms; a group a
    curator edited stays.
    """
    with open(path, "rb") as handle:
        fixture = tomllib.load(handle)
    created = 0
    for entry in fixture.get("synonym", []):
        _, was_created = Synonym.objects.get_or_create(
            fixture_key=entry["key"], defaults={"terms": ", ".join(entry["terms"])}
        )
        created += was_created
    retired = 0
    for entry in fixture.get("replaced", []):
        for group in Synonym.objects.filter(fixture_key=entry["key"]):
            if group.term_list == entry["terms"]:
                group.delete()
                retired += 1
    if created or retired:
        synonyms_reload()
    return created
