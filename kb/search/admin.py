from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from kb.core.params import whole_number
from kb.search.models import IndexRepair, SearchQuery, Synonym
from kb.search.selectors import search_gap_rows


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["terms", "note", "updated_at"]
    search_fields = ["terms", "note"]


@admin.register(SearchQuery)
class SearchQueryAdmin(admin.ModelAdmin):
    change_list_template = "admin/search/searchquery/change_list.html"
    list_display = ["query", "language", "source", "result_count", "clicked_article",
                    "clicked_rank", "created_at"]
    list_filter = ["language", "source", "created_at"]
    search_fields = ["query"]
    list_select_related = ["clicked_article"]
    readonly_fields = [f.name for f in SearchQuery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("gaps/", self.admin_site.admin_view(self.gaps_view), name="search_gaps"),
            *super().get_urls(),
        ]

    def gaps_view(self, request):
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        days = whole_number(request.GET.get("days"), low=1, high=365) or 30
        return TemplateResponse(request, "admin/search/gaps.html", {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Search gaps: what customers look for and do not find"),
            "gaps": search_gap_rows(days=days, limit=200),
            "days": days,
        })


@admin.register(IndexRepair)
class IndexRepairAdmin(admin.ModelAdmin):
    """When the index was found damaged, missing or half-built, and rebuilt."""

    list_display = ["detected_at", "source", "reason", "repaired_at", "articles"]
    list_filter = ["source", "detected_at"]
    readonly_fields = [f.name for f in IndexRepair._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
