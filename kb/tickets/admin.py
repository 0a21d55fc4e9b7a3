from django.contrib import admin

from kb.tickets.models import SlaPolicy, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "timezone", "start", "end"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["priority", "acknowledge_minutes", "locate_minutes", "resolve_minutes",
                    "business_hours"]
