"""The curators' side of learning: phrases, the knowledge-gap queue, content
health. Actions call ``kb.learning.services``; nothing here writes a model."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kb.articles.admin import ArticleAdmin
from kb.core.exceptions import ApplicationError
from kb.learning import health, services
from kb.learning.models import ArticleEffectiveness, ContentFlag, KnowledgeGap, LearnedPhrase


def _run(modeladmin, request, queryset, call, done: str) -> None:
    ok = 0
    for obj in queryset:
        try:
            call(obj, request.user)
            ok += 1
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", messages.WARNING)
    if ok:
        modeladmin.message_user(request, done % {"count": ok}, messages.SUCCESS)


@admin.register(LearnedPhrase)
class LearnedPhraseAdmin(admin.ModelAdmin):
    list_display = ["text", "article", "kind", "ticket_count", "status", "updated_at"]
    list_filter = ["status", "kind", "article__language"]
    search_fields = ["text", "article__title", "article__slug"]
    list_select_related = ["article"]
    readonly_fields = ["article", "text", "key", "kind", "status", "ticket_count",
                       "created_at", "updated_at"]
    exclude = ["tickets"]
    actions = ["action_remove", "action_promote"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Remove from the article's search document"),
                  permissions=["change"])
    def action_remove(self, request, queryset):
        _run(self, request, queryset,
             lambda p, u: services.learned_phrase_remove(phrase=p, actor=u),
             _("%(count)d phrases removed."))

    @admin.action(description=_("Promote to the article's curated symptoms"),
                  permissions=["change"])
    def action_promote(self, request, queryset):
        _run(self, request, queryset,
             lambda p, u: services.learned_phrase_promote(phrase=p, actor=u),
             _("%(count)d phrases promoted to symptoms (a new version of each article)."))


class LearnedPhraseInline(admin.TabularInline):
    """The article's learned phrases, on its page; removing or promoting one
    is an action on the phrase list this links to."""

    model = LearnedPhrase
    template = "admin/learning/read_only_tabular.html"
    fields = ["text", "kind", "ticket_count", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = _("learned phrases (from resolved tickets)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Shown on the article's page, never part of a save: the article
        # form posts no formset for it (the phrases are read-only here).
        return request.method == "GET" and super().has_view_permission(request, obj)


# The article page shows what it learned (learning extends the articles admin;
# articles know nothing of learning).
ArticleAdmin.inlines = [*ArticleAdmin.inlines, LearnedPhraseInline]


@admin.register(KnowledgeGap)
class KnowledgeGapAdmin(admin.ModelAdmin):
    """The curators' queue: what customers need and the knowledge base lacks."""

    list_display = ["title", "kind", "status", "size", "problem_list", "draft_link",
                    "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "search_key"]
    list_select_related = ["draft_article"]
    readonly_fields = ["kind", "status", "title", "problem_codes", "size", "searches",
                       "search_key", "search_language", "draft_link", "ticket_links",
                       "created_at", "closed_at"]
    exclude = ["centroid", "draft_article"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.GET.get("status__exact") else qs.order_by("status", "-size")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("problem codes"))
    def problem_list(self, gap: KnowledgeGap) -> str:
        return ", ".join(gap.problem_codes[:4])

    @admin.display(description=_("draft article"))
    def draft_link(self, gap: KnowledgeGap) -> str:
        if gap.draft_article is None:
            return "-"
        url = reverse("admin:articles_article_change", args=[gap.draft_article_id])
        return format_html('<a href="{}">{} ({})</a>', url, gap.draft_article.title,
                           gap.draft_article.get_status_display())

    @admin.display(description=_("tickets"))
    def ticket_links(self, gap: KnowledgeGap) -> str:
        ids = list(gap.learnings.values_list("ticket_id", flat=True)[:50])
        return ", ".join(f"#{i}" for i in ids) or "-"


@admin.register(ContentFlag)
class ContentFlagAdmin(admin.ModelAdmin):
    list_display = ["article", "reason", "detail", "created_at", "notified_at", "resolved_at"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["article__title"]
    list_select_related = ["article"]
    readonly_fields = ["article", "reason", "detail", "created_at", "notified_at",
                       "resolved_at"]
    actions = ["action_resolve"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Mark as reviewed"), permissions=["change"])
    def action_resolve(self, request, queryset):
        _run(self, request, queryset,
             lambda f, u: health.content_flag_resolve(flag=f, actor=u),
             _("%(count)d flags resolved."))


@admin.register(ArticleEffectiveness)
class ArticleEffectivenessAdmin(admin.ModelAdmin):
    list_display = ["article", "problem_code", "tickets_resolved", "tickets_reopened",
                    "wizard_fixes", "helpful_votes", "unhelpful_votes", "success_rate"]
    list_filter = ["problem_code"]
    search_fields = ["article__title"]
    list_select_related = ["article"]
    ordering = ["-tickets_resolved"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ArticleEffectiveness._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
