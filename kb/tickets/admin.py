from django.contrib import admin, messages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kb.tickets.calendars import holiday_coverage
from kb.tickets.holidays import HolidayFlag, holiday_flags, team_holiday_flag
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
    list_display = ["code", "name", "timezone", "start", "end", "lead", "holiday_calendar"]
    filter_horizontal = ["members"]
    list_select_related = ["lead"]
    readonly_fields = ["holiday_calendar"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("Holiday calendar"))
    def holiday_calendar(self, team: Team) -> str:
        if team.pk is None:
            return "—"
        flag = HolidayFlag(team=team, coverage=holiday_coverage(team.calendar, timezone.now()))
        if flag.coverage.flagged:
            return flag.message
        return _("Public holidays loaded up to %(year)s.") % {"year": flag.coverage.last_year}

    # The flag also stands at the top of the list and of a flagged team's
    # page, where it cannot be missed.
    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            for flag in holiday_flags(now=timezone.now()):
                messages.warning(request, flag.message)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        team = self.get_object(request, object_id)
        if request.method == "GET" and team is not None:
            flag = team_holiday_flag(team=team, now=timezone.now())
            if flag is not None:
                messages.warning(request, flag.message)
        return super().change_view(request, object_id, form_url, extra_context)


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
