from django.contrib import admin

from kb.tickets.models import (
    Notification,
    OnCallShift,
    Organization,
    PageAlarm,
    SlaPolicy,
    Team,
    Ticket,
)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "timezone", "start", "end", "lead"]
    filter_horizontal = ["members"]
    list_select_related = ["lead"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["priority", "acknowledge_minutes", "locate_minutes", "resolve_minutes",
                    "business_hours"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name"]
    filter_horizontal = ["members"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["id", "subject", "organization", "priority", "status", "team",
                    "acknowledge_due", "created_at"]
    list_filter = ["priority", "status", "region", "team"]
    search_fields = ["subject", "stream_id"]
    list_select_related = ["organization", "team"]
    readonly_fields = [f.name for f in Ticket._meta.fields]

    def has_add_permission(self, request):
        return False  # tickets are filed through the portal and the API


@admin.register(OnCallShift)
class OnCallShiftAdmin(admin.ModelAdmin):
    list_display = ["team", "engineer", "starts_at", "ends_at"]
    list_filter = ["team"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["ticket", "purpose", "channel", "target", "reached_as", "status",
                    "attempts", "last_error", "created_at"]
    list_filter = ["status", "purpose", "channel"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(PageAlarm)
class PageAlarmAdmin(admin.ModelAdmin):
    list_display = ["ticket", "reason", "created_at"]
    list_filter = ["reason"]
    list_select_related = ["ticket"]
    readonly_fields = [f.name for f in PageAlarm._meta.fields]

    def has_add_permission(self, request):
        return False  # raised by paging, never by hand
