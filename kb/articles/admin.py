"""The curators' workspace: editing, review, revisions, freshness.

Every change goes through ``kb.articles.services``; this module only maps
admin requests onto them.
"""

import difflib

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kb.articles import selectors, services
from kb.articles.admin_forms import ArticleAdminForm, PreviewForm, WorkflowNoteForm
from kb.articles.markdown import render_markdown
from kb.articles.models import Article, ArticleFeedback, ArticleRevision
from kb.core.exceptions import ApplicationError
from kb.core.params import whole_number


class VerificationFilter(admin.SimpleListFilter):
    title = _("verification")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [
            ("stale", _("Stale (not verified in %(days)d days)") % {
                "days": settings.KB_STALE_AFTER_DAYS
            }),
            ("fresh", _("Verified recently")),
        ]

    def queryset(self, request, queryset):
        stale = Q(last_verified__isnull=True) | Q(last_verified__lt=selectors.stale_cutoff())
        if self.value() == "stale":
            return queryset.filter(stale, status=Article.Status.PUBLISHED)
        if self.value() == "fresh":
            return queryset.exclude(stale)
        return queryset


class PendingEditFilter(admin.SimpleListFilter):
    title = _("edits")
    parameter_name = "edit"

    def lookups(self, request, model_admin):
        return [("waiting", _("An edit waits for review"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(revisions__state=ArticleRevision.State.PENDING)
        return queryset


WORKFLOW_ACTIONS = {
    # name: (service call, label, needs review permission)
    "submit": (lambda a, u, n: services.article_submit_for_review(article=a, actor=u),
               _("Sent to review."), False),
    "publish": (lambda a, u, n: services.article_publish(article=a, reviewer=u),
                _("Published."), True),
    "return": (lambda a, u, n: services.article_return_to_draft(article=a, reviewer=u, note=n),
               _("Returned to the author as a draft."), True),
    "publish-edit": (lambda a, u, n: services.article_edit_publish(article=a, reviewer=u),
                     _("The edit is published: readers now see it."), True),
    "return-edit": (lambda a, u, n: services.article_edit_return(article=a, reviewer=u, note=n),
                    _("The edit is returned to its author, who is told by e-mail; readers "
                      "still see the published version."), True),
    "unpublish": (lambda a, u, n: services.article_unpublish(article=a, reviewer=u),
                  _("Unpublished."), True),
    "archive": (lambda a, u, n: services.article_archive(article=a, actor=u),
                _("Archived."), False),
    "verify": (lambda a, u, n: services.article_mark_verified(article=a, actor=u),
               _("Marked as verified today."), False),
    "confirm-translation": (
        lambda a, u, n: services.article_confirm_translation(article=a, actor=u),
        _("Confirmed as in line with its translation."), False),
}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "title", "language", "status", "area", "version", "owner", "last_verified",
        "translation_outdated", "is_stale", "home_position",
    ]
    list_filter = [
        "status", PendingEditFilter, "language", "area", VerificationFilter,
        "translation_outdated", "problems",
    ]
    search_fields = ["title", "slug", "symptoms"]
    list_select_related = ["owner"]
    actions = [
        "action_submit", "action_publish", "action_publish_edits", "action_return",
        "action_archive", "action_verify", "action_confirm_translation",
        "action_recommend", "action_unrecommend",
    ]
    readonly_fields = [
        "status", "version", "reviewer", "review_note", "translation_outdated",
        "published_at", "created_at", "updated_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "language"] if obj is not None else fields

    def _fieldsets(self, request, obj=None):
        content = ["slug", "title", "summary", "symptoms", "body"]
        ownership = ["owner", "last_verified", "translation"]
        if obj is None:
            content.insert(1, "language")
        else:
            ownership += ["minor_edit", "expected_version"]
        fieldsets = [
            (None, {"fields": content}),
            (_("Classification"), {
                "fields": ["problems", "area", "roles", "protocols", "encoders", "tags"]
            }),
            (_("Ownership and translation"), {"fields": ownership}),
        ]
        if obj is not None:
            fieldsets.append((_("Workflow"), {"fields": ["language", *self.readonly_fields]}))
        return fieldsets

    @admin.display(boolean=True, description=_("stale"))
    def is_stale(self, article: Article) -> bool:
        return article.last_verified is None or article.last_verified < selectors.stale_cutoff()

    def has_review_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("articles.review_article")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # A fresh class per request: the attribute never leaks to another user.
        form.can_review = self.has_review_permission(request)
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = self._fieldsets(request, obj)
        if obj is not None:
            fieldsets[2][1]["fields"].append("expected_edit")
        return fieldsets

    # Saving through the services ------------------------------------------------
    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {k: data[k] for k in services.EDITABLE_FIELDS if k in data}
        if change and Article.objects.get(pk=obj.pk).status == Article.Status.PUBLISHED:
            # Readers keep the published version: the edit waits for review.
            request.kb_saved_edit = services.article_edit_published(
                article=obj,
                editor=request.user,
                expected_version=data["expected_version"],
                expected_edit=data.get("expected_edit"),
                problems=list(data["problems"]),
                minor_edit=data.get("minor_edit", False),
                **fields,
            )
            article = Article.objects.get(pk=obj.pk)
        elif change:
            article = services.article_update(
                article=obj,
                editor=request.user,
                expected_version=data["expected_version"],
                problems=list(data["problems"]),
                minor_edit=data.get("minor_edit", False),
                **fields,
            )
        else:
            article = services.article_create(
                author=request.user,
                language=data["language"],
                problems=list(data["problems"]),
                **fields,
            )
        translation = data.get("translation")
        if translation is not None and translation.translation_group != article.translation_group:
            services.article_link_translation(article=article, translation=translation)
        obj.pk = article.pk
        obj.refresh_from_db()

    def response_change(self, request, obj):
        if not hasattr(request, "kb_saved_edit"):
            return super().response_change(request, obj)
        edit = request.kb_saved_edit
        if edit is None:
            message = _("No edit waits for review: the form matched the published "
                        "version %(v)s.") % {"v": obj.version}
        elif edit.state == ArticleRevision.State.SAVED:
            message = _("Published as a minor edit: readers now see version %(v)s.") % {
                "v": obj.version}
        else:
            message = _("Your edit is waiting for review; readers still see version "
                        "%(v)s.") % {"v": obj.version}
        self.message_user(request, message, messages.SUCCESS)
        return redirect("admin:articles_article_change", obj.pk)

    def save_related(self, request, form, formsets, change):
        # Problem codes were saved by the service, with the revision.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            # A save that lost the race after the form's own check: the
            # transaction was rolled back, nothing was written.
            self.message_user(request, exc.message, messages.ERROR)
            return redirect(request.path)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_review"] = self.has_review_permission(request)
        context["preview_url"] = reverse("admin:articles_article_preview")
        if obj is not None:
            context["translation_article"] = services.article_translation_of(obj)
        if obj is not None and obj.status == Article.Status.PUBLISHED:
            pending = services.pending_edit_of(obj)
            context["pending_edit"] = pending
            context["returned_edit"] = None if pending else services.returned_edit_of(obj)
            if pending is not None:
                live = obj.revisions.filter(
                    state=ArticleRevision.State.SAVED, version=obj.version
                ).first()
                context["pending_diffs"] = revision_diff(live, pending)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Extra pages -----------------------------------------------------------------
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("preview/", wrap(self.preview_view), name="articles_article_preview"),
            path("<int:pk>/workflow/<slug:action>/", wrap(self.workflow_view),
                 name="articles_article_workflow"),
            path("<int:pk>/revisions/", wrap(self.revisions_view),
                 name="articles_article_revisions"),
            path("<int:pk>/revisions/<int:version>/", wrap(self.revision_diff_view),
                 name="articles_article_revision_diff"),
            path("<int:pk>/revisions/<int:version>/rollback/", wrap(self.rollback_view),
                 name="articles_article_rollback"),
            *super().get_urls(),
        ]

    def _article_or_404(self, request, pk: int, *, change: bool) -> Article:
        article = get_object_or_404(Article, pk=pk)
        allowed = (self.has_change_permission(request, article) if change
                   else self.has_view_permission(request, article))
        if not allowed:
            raise PermissionDenied
        return article

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return JsonResponse({"detail": "POST the Markdown as 'body'."}, status=405)
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        form = PreviewForm(request.POST)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors}, status=400)
        rendered = render_markdown(
            form.cleaned_data["body"], language=form.cleaned_data["language"] or "en"
        )
        return JsonResponse({"html": rendered.html, "internal_links": rendered.internal_links})

    def workflow_view(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        if request.method != "POST":
            return redirect("admin:articles_article_change", pk)
        if action not in WORKFLOW_ACTIONS:
            raise Http404
        article = self._article_or_404(request, pk, change=True)
        call, done, needs_review = WORKFLOW_ACTIONS[action]
        if needs_review and not self.has_review_permission(request):
            raise PermissionDenied
        form = WorkflowNoteForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            call(article, request.user, note)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.log_change(request, article, f"workflow: {action}")
            self.message_user(request, done, messages.SUCCESS)
        return redirect("admin:articles_article_change", pk)

    def revisions_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        article = self._article_or_404(request, pk, change=False)
        return TemplateResponse(request, "admin/articles/article/revisions.html", {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": _("Revisions of “%(title)s”") % {"title": article.title},
            "revisions": article.revisions.filter(state=ArticleRevision.State.SAVED)
            .select_related("author", "reviewed_by"),
            "can_change": self.has_change_permission(request, article),
        })

    def revision_diff_view(self, request: HttpRequest, pk: int, version: int) -> HttpResponse:
        article = self._article_or_404(request, pk, change=False)
        against = request.GET.get("against")
        new, old = selectors.revision_pair(
            article=article, version=version,
            against=whole_number(against),
        )
        if new is None:
            raise Http404
        return TemplateResponse(request, "admin/articles/article/revision_diff.html", {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": _("Changes in version %(v)s") % {"v": version},
            "new": new,
            "old": old,
            "diffs": revision_diff(old, new),
            "can_change": self.has_change_permission(request, article),
        })

    def rollback_view(self, request: HttpRequest, pk: int, version: int) -> HttpResponse:
        article = self._article_or_404(request, pk, change=True)
        if request.method != "POST":
            return redirect("admin:articles_article_revision_diff", pk, version)
        revision = get_object_or_404(
            ArticleRevision, article=article, version=version, state=ArticleRevision.State.SAVED
        )
        expected = whole_number(request.POST.get("expected_version"))
        try:
            article = services.article_rollback(
                article=article, revision=revision, editor=request.user,
                expected_version=-1 if expected is None else expected,
            )
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return redirect("admin:articles_article_revisions", pk)
        if article.status == Article.Status.PUBLISHED:
            done = _("Version %(v)s's content is now an edit waiting for review; readers "
                     "still see version %(live)s.") % {"v": version, "live": article.version}
        else:
            done = _("Rolled back to version %(v)s as a new version.") % {"v": version}
        self.message_user(request, done, messages.SUCCESS)
        return redirect("admin:articles_article_change", pk)

    # Bulk actions ----------------------------------------------------------------
    def _bulk(self, request, queryset, action: str) -> None:
        call, done, _needs_review = WORKFLOW_ACTIONS[action]
        ok = 0
        for article in queryset:
            try:
                call(article, request.user, "")
                ok += 1
            except ApplicationError as exc:
                self.message_user(request, f"{article}: {exc.message}", messages.WARNING)
        if ok:
            self.message_user(request, f"{done} ({ok})", messages.SUCCESS)

    @admin.action(description=_("Send to review"), permissions=["change"])
    def action_submit(self, request, queryset):
        self._bulk(request, queryset, "submit")

    @admin.action(description=_("Publish (reviewers)"), permissions=["review"])
    def action_publish(self, request, queryset):
        self._bulk(request, queryset, "publish")

    @admin.action(description=_("Publish the waiting edits (reviewers)"),
                  permissions=["review"])
    def action_publish_edits(self, request, queryset):
        self._bulk(request, queryset, "publish-edit")

    @admin.action(description=_("Return to draft (reviewers)"), permissions=["review"])
    def action_return(self, request, queryset):
        self._bulk(request, queryset, "return")

    @admin.action(description=_("Archive"), permissions=["change"])
    def action_archive(self, request, queryset):
        self._bulk(request, queryset, "archive")

    @admin.action(description=_("Mark as verified today"), permissions=["change"])
    def action_verify(self, request, queryset):
        self._bulk(request, queryset, "verify")

    @admin.action(description=_("Confirm in line with its translation"), permissions=["change"])
    def action_confirm_translation(self, request, queryset):
        self._bulk(request, queryset, "confirm-translation")

    @admin.action(description=_("Recommend on the home page (both languages)"),
                  permissions=["change"])
    def action_recommend(self, request, queryset):
        positions = sorted({services.article_recommend(article=a) for a in queryset})
        self.message_user(request, _("Recommended on the home page until use ranks the "
                                     "fixes, at positions %(positions)s.") % {
            "positions": ", ".join(str(p) for p in positions)}, messages.SUCCESS)

    @admin.action(description=_("Stop recommending on the home page"), permissions=["change"])
    def action_unrecommend(self, request, queryset):
        for article in queryset:
            services.article_unrecommend(article=article)
        self.message_user(request, _("No longer recommended on the home page (%(n)d).") % {
            "n": queryset.count()}, messages.SUCCESS)


def revision_diff(old: ArticleRevision | None, new: ArticleRevision) -> list[dict]:
    """Per field, the unified diff lines between two revisions."""
    out = []
    for field in ("title", "summary", "symptoms", "problem_codes", "body"):
        before = getattr(old, field) if old else ""
        after = getattr(new, field)
        if isinstance(after, list):
            before, after = "\n".join(before or []), "\n".join(after)
        if before == after:
            continue
        lines = list(difflib.unified_diff(
            before.splitlines(), after.splitlines(),
            fromfile=f"v{old.version}" if old else "(none)",
            tofile=f"v{new.version}" if new.version else "edit",
            lineterm="", n=2,
        ))
        out.append({"field": field, "lines": [
            {"text": line, "kind": ("add" if line.startswith("+") and not line.startswith("+++")
                                    else "del" if line.startswith("-")
                                    and not line.startswith("---")
                                    else "hunk" if line.startswith("@@") else "ctx")}
            for line in lines
        ]})
    return out


class MissingAnsweredFilter(admin.SimpleListFilter):
    """The "No" answers whose reader said what was missing: a curator's to-do."""

    title = _("what was missing")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("said", _("Said what was missing"))]

    def queryset(self, request, queryset):
        if self.value() == "said":
            return queryset.exclude(missing="")
        return queryset


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(admin.ModelAdmin):
    list_display = ["article", "helpful", "short_comment", "short_missing", "created_at"]
    list_filter = ["helpful", MissingAnsweredFilter, "article__language", "created_at"]
    search_fields = ["comment", "missing", "article__title"]
    list_select_related = ["article"]
    readonly_fields = ["article", "helpful", "comment", "missing", "created_at"]

    @admin.display(description=_("comment"))
    def short_comment(self, feedback: ArticleFeedback) -> str:
        return format_html("{}", feedback.comment[:120])

    @admin.display(description=_("what was missing"))
    def short_missing(self, feedback: ArticleFeedback) -> str:
        # Readers' text: escaped, never HTML.
        return format_html("{}", feedback.missing[:200])

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
