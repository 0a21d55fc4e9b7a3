from django import forms
from django.utils.translation import gettext_lazy as _


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        error_messages={"required": _("Choose yes or no.")},
    )
    comment = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Anything we should add or fix? (optional)"),
    )


class FeedbackMissingForm(forms.Form):
    """What was missing, after a "No" on "Did this help?" (kept as plain text)."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=200,
                            error_messages={"required": _("This answer cannot be found.")})
    missing = forms.CharField(
        label=_("What did you look for that the article does not say?"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        error_messages={"required": _("Write what was missing, or leave this question.")},
    )
