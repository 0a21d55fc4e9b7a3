from django import forms
from django.utils.translation import gettext_lazy as _

from kb.articles.models import Article
from kb.core.choices import Language, Priority, Protocol, Region, Role
from kb.problems.models import Problem
from kb.tickets.models import Team, Ticket, TicketAttachment
from kb.tickets.selectors import support_engineers


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several log files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


MAX_LOGS = 5


def _blank_choice(choices):
    return [("", "—"), *choices]


class TicketForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"), max_length=200,
        help_text=_("What is wrong, in a line: e.g. “OBS: Failed to connect to server”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Description"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Since when, what you tried, what viewers see. Exact error messages help."),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices,
                                 initial=Priority.P3)
    region = forms.ChoiceField(label=_("Region"), choices=Region.choices)
    stream_id = forms.CharField(label=_("Affected stream or line ID"), max_length=200,
                                required=False)
    protocol = forms.ChoiceField(label=_("Protocol"), choices=_blank_choice(Protocol.choices),
                                 required=False)
    role = forms.ChoiceField(label=_("Your side"), choices=_blank_choice(Role.choices),
                             required=False)
    pasted_log = forms.CharField(
        label=_("Paste tool output"), required=False, strip=False,
        max_length=TicketAttachment.MAX_BYTES,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_("ping, mtr, traceroute, tracert, an OBS log or ffmpeg errors."),
    )
    logs = MultipleFileField(
        label=_("Attach log files"), required=False,
        help_text=_("Text files, at most 5, 2 MB each."),
    )

    def clean_logs(self):
        files = self.cleaned_data["logs"]
        if len(files) > MAX_LOGS:
            raise forms.ValidationError(
                _("Attach at most %(count)d files; you chose %(chosen)d.")
                % {"count": MAX_LOGS, "chosen": len(files)})
        for upload in files:
            if upload.size > TicketAttachment.MAX_BYTES:
                raise forms.ValidationError(
                    _("“%(name)s” is larger than 2 MB; attach the relevant part.")
                    % {"name": upload.name})
        return files

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("priority") == Priority.P1 and not cleaned.get("stream_id", "").strip():
            self.add_error("stream_id",
                           _("For a stream that is down, give its stream or line ID so the "
                             "on-call engineer can look at it at once."))
        return cleaned

    def attachments(self) -> list[tuple[str, bytes]]:
        files = [(upload.name, upload.read()) for upload in self.cleaned_data["logs"]]
        if self.cleaned_data.get("pasted_log", "").strip():
            files.insert(0, ("pasted.txt", self.cleaned_data["pasted_log"].encode()))
        return files


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Reply"), max_length=20_000,
                           widget=forms.Textarea(attrs={"rows": 4}))
    internal = forms.BooleanField(label=_("Internal note (staff only)"), required=False)


class ReopenForm(forms.Form):
    text = forms.CharField(label=_("What is still wrong?"), max_length=20_000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class AttachForm(forms.Form):
    logs = MultipleFileField(label=_("Attach log files"))

    clean_logs = TicketForm.clean_logs


def problem_choices_by_area() -> list[tuple[str, list[tuple[str, str]]]]:
    """Problem codes grouped by area, each as "title (code)" (the title in the
    reader's language): staff find a problem by what it is, not by a bare
    code among 40, and the page's filter matches either."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for problem in Problem.objects.order_by("area", "code"):
        groups.setdefault(str(problem.get_area_display()), []).append(
            (problem.code, f"{problem.title} ({problem.code})"))
    return list(groups.items())


def _article_choice(article: Article) -> tuple[int, str]:
    # Each fix names its language: the ticket's first group mixes both, and a
    # filtered list may show a fix without its language group in sight.
    return (article.pk, _("%(title)s (%(language)s)") % {
        "title": article.title, "language": article.get_language_display()})


def article_choices_for(codes: list[str], *, language: str = "") -> list:
    """The published fixes, those of the ticket's problems first in the order
    of ``codes`` (the located ones, then the suggested by rank), in the
    ticket's language first; then every fix by language."""
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    rank = {code: index for index, code in reversed(list(enumerate(codes)))}

    def ticket_order(article: Article) -> tuple:
        return (min(rank.get(p.code, len(codes)) for p in article.problems.all()),
                article.language != language, article.title)

    first = sorted(published.filter(problems__code__in=codes).distinct()
                   .prefetch_related("problems"), key=ticket_order) if codes else []
    groups = [("", _("No article fits"))]
    if first:
        groups.append((_("Fixes for this ticket's problems"),
                       [_article_choice(a) for a in first]))
    for code, name in Language.choices:
        groups.append((str(name), [_article_choice(a) for a in
                                   published.filter(language=code).order_by("title")]))
    return groups


def _filtered(label) -> dict:
    """A select's attributes for static/kb/option-filter.js: a search box
    named ``label`` over its options."""
    return {"size": 10, "data-option-filter": True, "data-filter-label": label,
            "data-filter-count": _("%(shown)s of %(total)s shown")}


class LocateForm(forms.Form):
    problems = forms.ModelMultipleChoiceField(
        label=_("Diagnosis: problem codes"), queryset=Problem.objects.order_by("code"),
        to_field_name="code",
        widget=forms.SelectMultiple(attrs=_filtered(_("Filter the problems by code or title"))),
        error_messages={"required": _("Choose at least one problem code.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problems"].choices = problem_choices_by_area()


class ResolveForm(forms.Form):
    article = forms.ModelChoiceField(
        label=_("The fix that solved it"), required=False,
        queryset=Article.objects.filter(status=Article.Status.PUBLISHED).order_by(
            "language", "title"),
        empty_label=_("No article fits"),
        widget=forms.Select(attrs=_filtered(_("Filter the fixes by title"))),
    )
    summary = forms.CharField(label=_("Resolution summary"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, codes: list[str] | None = None, language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].choices = article_choices_for(codes or [], language=language)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("article") and not cleaned.get("summary", "").strip():
            raise forms.ValidationError(
                _("Link the article that fixed it, or choose “No article fits” and "
                  "summarize the resolution."))
        return cleaned


class WaitForm(forms.Form):
    text = forms.CharField(label=_("What do you need from the customer?"), max_length=20_000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class TeamChoiceField(forms.ModelChoiceField):
    """A team by its name in the reader's language, its code beside it."""

    def label_from_instance(self, obj: Team) -> str:
        return f"{obj.display_name()} ({obj.code})"


class AssignForm(forms.Form):
    team = TeamChoiceField(label=_("Team"), queryset=Team.objects.all(),
                           to_field_name="code", required=False)
    assignee = forms.ModelChoiceField(
        label=_("Engineer"), required=False,
        queryset=support_engineers(), to_field_name="username",
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("team") and not cleaned.get("assignee"):
            raise forms.ValidationError(_("Choose a team or an engineer."))
        return cleaned


class QueueFilterForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), required=False,
                                 choices=_blank_choice(Priority.choices))
    region = forms.ChoiceField(label=_("Region"), required=False,
                               choices=_blank_choice(Region.choices))
    team = TeamChoiceField(label=_("Team"), required=False, queryset=Team.objects.all(),
                           to_field_name="code", empty_label="—")
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=_blank_choice(
                                   [(s, Ticket.Status(s).label) for s in Ticket.OPEN_STATUSES]))
    mine = forms.BooleanField(label=_("Mine"), required=False)
