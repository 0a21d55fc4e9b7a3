"""``{% load incidents %}``: an incident's title in the reader's language."""

from django import template

from kb.monitoring.models import Incident
from kb.monitoring.regional import incident_title as _incident_title

register = template.Library()


@register.filter
def incident_title(incident: Incident) -> str:
    return _incident_title(incident)
