from django import forms
from django.utils.translation import gettext_lazy as _

from kb.articles.models import Article, Encoder
from kb.articles.services import (
    PendingEditConflict,
    edit_fields,
    pending_edit_of,
    returned_edit_of,
)
from kb.core.choices import Protocol, Role
from kb.problems.models import Problem


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
        help_text=_(
            "A typo or formatting fix: do not flag the translation as out of date. "
            "On a published article, reviewers only: publish it at once, without review."
        ),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The pending edit the curator opened (empty when there was none).
    expected_edit = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Set per request by the admin: may this user publish a minor edit at once?
    can_review = False

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
            # Boxes to tick, each named by its code and summary: readable by a
            # screen reader, unlike the two-list filter widget.
            "problems": forms.CheckboxSelectMultiple(attrs={"class": "kb-problem-boxes"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "problems" in self.fields:
            problems = self.fields["problems"]
            problems.queryset = Problem.objects.order_by("code")
            problems.label_from_instance = lambda problem: f"{problem.code}: {problem.summary}"
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
        if self.instance.pk and self.instance.status == Article.Status.PUBLISHED:
            self._load_edit()

    def _load_edit(self) -> None:
        """Show the edit waiting for review (or the one just returned) rather
        than the published text: the curator goes on with the edit."""
        pending = pending_edit_of(self.instance)
        self.fields["expected_edit"].initial = pending.pk if pending else None
        edit = pending or returned_edit_of(self.instance)
        if edit is None:
            return
        for key, value in edit_fields(edit).items():
            if key in self.fields:
                self.initial[key] = value.pk if key == "owner" and value else value
        self.initial["problems"] = list(
            Problem.objects.filter(code__in=edit.problem_codes).values_list("pk", flat=True)
        )

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
        published = self.instance.pk and Article.objects.filter(
            pk=self.instance.pk, status=Article.Status.PUBLISHED
        ).exists()
        if published:
            pending = pending_edit_of(self.instance)
            if (pending.pk if pending else None) != cleaned.get("expected_edit"):
                raise forms.ValidationError(PendingEditConflict(pending).message)
        if published and cleaned.get("minor_edit") and not self.can_review:
            self.add_error("minor_edit", _(
                "Only a reviewer can publish a minor edit at once. Untick “Minor edit” "
                "to send your edit to review."
            ))
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
