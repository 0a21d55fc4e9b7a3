"""The staff forms of an incident's page: an update, the postmortem.

Each also sends ``page``, the page it was on (read by the view, not
validated here: an unknown value means the signed-in page)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kb.monitoring.models import IncidentUpdate
from kb.monitoring.updates import MAX_POSTMORTEM_CHARS, MAX_UPDATE_CHARS


class IncidentUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=IncidentUpdate.Status.choices)
    body = forms.CharField(
        label=_("Update (Markdown)"), max_length=MAX_UPDATE_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _(
                            "An update is at most %(limit_value)d characters; this one "
                            "has %(show_value)d."),
                        "required": _("Write what is happening: the update is empty.")})


class IncidentPostmortemForm(forms.Form):
    markdown = forms.CharField(
        label=_("Postmortem (Markdown)"), max_length=MAX_POSTMORTEM_CHARS,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("The cause, the timeline, what changes."),
        error_messages={"max_length": _(
                            "A postmortem is at most %(limit_value)d characters; this one "
                            "has %(show_value)d."),
                        "required": _("Write the postmortem: it is empty.")})
