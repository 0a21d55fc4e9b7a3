from django.contrib import admin

from kb.problems.models import Problem


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["code", "area", "summary_en"]
    list_filter = ["area"]
    search_fields = ["code", "summary_en", "summary_zh"]
