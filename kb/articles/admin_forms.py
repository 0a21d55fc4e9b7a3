from django import forms
from django.utils.translation import gettext_lazy as _

from kb.articles.models import Article, Encoder
from kb.core.choices import Protocol, Role


class ArticleAdminForm(forms.ModelForm):
    """The curator's editing form.

    ``expected_version`` carries the version the curator opened, so a save
    based on an older version is refused instead of overwriting newer work.
    """

    roles = forms.MultipleChoiceField(
        choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    protocols = forms.MultipleChoiceField(
        choices=Protocol.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    encoders = forms.MultipleChoiceField(
        choices=Encoder.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    translation = forms.ModelChoiceField(
        queryset=Article.objects.none(),
        required=False,
        label=_("Translation"),
        help_text=_("The same fix in the other language."),
    )
    minor_edit = forms.BooleanField(
        required=False,
        label=_("Minor edit"),
        help_text=_("A typo or formatting fix: do not flag the translation as out of date."),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = [
            "slug", "language", "title", "summary", "symptoms", "body", "problems", "area",
            "roles", "protocols", "encoders", "tags", "owner", "last_verified",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 28, "class": "kb-markdown-source"}),
            "symptoms": forms.Textarea(attrs={"rows": 6}),
            "summary": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = Article.objects.order_by("language", "title")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk).exclude(
                language=self.instance.language
            )
            self.fields["expected_version"].initial = self.instance.version
            self.fields["translation"].initial = (
                Article.objects.filter(translation_group=self.instance.translation_group)
                .exclude(pk=self.instance.pk)
                .first()
            )
        self.fields["translation"].queryset = others

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            expected = cleaned.get("expected_version")
            current = Article.objects.filter(pk=self.instance.pk).values_list(
                "version", flat=True
            ).first()
            if expected is None or current != expected:
                from kb.articles.services import ArticleConflict

                latest = Article.objects.get(pk=self.instance.pk)
                raise forms.ValidationError(ArticleConflict(latest, expected or 0).message)
        translation = cleaned.get("translation")
        language = cleaned.get("language") or self.instance.language
        if translation is not None and translation.language == language:
            self.add_error("translation", _("A translation must be in the other language."))
        return cleaned


class WorkflowNoteForm(forms.Form):
    note = forms.CharField(required=False, max_length=2000)


class PreviewForm(forms.Form):
    body = forms.CharField(required=False, max_length=200_000, strip=False)
    language = forms.ChoiceField(choices=[("en", "en"), ("zh-hans", "zh-hans")], required=False)
