from django.contrib import admin
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from kb.monitoring.models import (
    Incident,
    IncidentUpdate,
    Line,
    Maintenance,
    MaintenanceNotice,
    Rollup,
    Sample,
    StatusSubscriber,
)
from kb.monitoring.status import status_cache_clear


class ReadOnlyAdmin(admin.ModelAdmin):
    """Measurements are written by probes and the rollup task only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Line)
class LineAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "from_region", "to_region", "kind", "host", "port",
                    "protocol", "state", "state_since", "public", "active"]
    list_filter = ["state", "kind", "protocol", "from_region", "to_region", "public", "active"]
    search_fields = ["name", "host", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["state", "state_since", "baseline_rtt_ms", "baseline_at", "created_at"]
    fieldsets = [
        (None, {"fields": ["organization", "name", "from_region", "to_region", "kind", "host",
                           "port", "protocol", "language", "contact_email", "public", "active",
                           "created_at"]}),
        (_("Probing by the site"), {"fields": ["probe_by_site", "probe_method",
                                               "probe_count"]}),
        (_("Detection thresholds"), {"fields": [
            "down_minutes", "degraded_minutes", "degraded_window", "loss_pct_threshold",
            "jitter_ms_threshold", "rtt_factor_threshold", "baseline_hours",
            "baseline_min_minutes", "recovery_minutes", "no_data_minutes"]}),
        (_("State (written by the evaluation)"), {"fields": [
            "state", "state_since", "baseline_rtt_ms", "baseline_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        if obj.created_at is None:
            obj.created_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Sample)
class SampleAdmin(ReadOnlyAdmin):
    list_display = ["line", "source", "at", "sent", "received", "rtt_avg_ms", "jitter_ms",
                    "method", "error"]
    list_filter = ["source", "method"]
    list_select_related = ["line"]
    date_hierarchy = "at"
    search_fields = ["line__name", "source"]
    show_full_result_count = False  # a count of millions of rows is slow


@admin.register(Rollup)
class RollupAdmin(ReadOnlyAdmin):
    list_display = ["line", "hour", "minutes", "loss_pct", "rtt_min_ms", "rtt_avg_ms",
                    "rtt_max_ms", "jitter_ms"]
    list_select_related = ["line"]
    date_hierarchy = "hour"
    search_fields = ["line__name"]
    show_full_result_count = False


class IncidentUpdateInline(admin.TabularInline):
    model = IncidentUpdate
    fields = ["created_at", "status", "code", "body", "author"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # posted on the incident page, sanitized there


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "line", "region", "severity", "state", "public",
                    "opened_at", "resolved_at", "ticket"]
    list_filter = ["state", "severity", "public", "region"]
    search_fields = ["title", "line__name"]
    list_select_related = ["line", "ticket"]
    # Updates and the postmortem are written on the incident's page, where
    # they are sanitized; here they are read.
    readonly_fields = ["line", "region", "severity", "state", "opened_at", "down_at",
                       "resolved_at", "ticket", "evidence", "recovery_told", "created_by",
                       "postmortem", "postmortem_html"]
    inlines = [IncidentUpdateInline]

    def get_fields(self, request, obj=None):
        if obj is None:  # staff declare a region's incident
            return ["region", "severity", "title", "public"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_inlines(self, request, obj):
        return [] if obj is None else self.inlines

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.base_fields["region"].required = True
            form.base_fields["public"].initial = True
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.opened_at = timezone.now()
            if obj.severity == Incident.Severity.DOWN:
                obj.down_at = obj.opened_at
        super().save_model(request, obj, form, change)
        transaction.on_commit(status_cache_clear)

    def response_add(self, request, obj, post_url_continue=None):
        # Straight to its page, where the first update is posted.
        return HttpResponseRedirect(reverse("monitoring:incident", args=[obj.pk]))


@admin.register(Maintenance)
class MaintenanceAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "ends_at", "regions", "public", "notices_sent"]
    filter_horizontal = ["lines"]
    # A read-only field rather than an inline: the window's form posts as
    # before, with no formset to manage.
    readonly_fields = ["created_at", "notices_list"]

    def get_queryset(self, request):
        kinds = MaintenanceNotice.Kind
        return super().get_queryset(request).annotate(**{
            f"notices_{kind}": Count("notices", filter=Q(notices__kind=kind))
            for kind in (kinds.AHEAD_72H, kinds.AHEAD_1H, kinds.ENDED)})

    @admin.display(description=_("notices sent: 72 h / 1 h / ended"))
    def notices_sent(self, obj: Maintenance) -> str:
        return (f"{obj.notices_ahead_72h} / {obj.notices_ahead_1h} / "
                f"{obj.notices_ended}")

    @admin.display(description=_("notices sent"))
    def notices_list(self, obj: Maintenance) -> str:
        notices = obj.notices.order_by("sent_at", "kind", "email") if obj.pk else []
        if not notices:
            return _("None sent yet (they go out 72 hours ahead, 1 hour ahead and at the end).")
        return format_html("<ul>{}</ul>", format_html_join(
            "", "<li>{} · {} · {} UTC</li>",
            ((notice.get_kind_display(), notice.email, f"{notice.sent_at:%Y-%m-%d %H:%M}")
             for notice in notices)))

    def save_model(self, request, obj, form, change):
        if obj.created_at is None:
            obj.created_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(StatusSubscriber)
class StatusSubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "language", "created_at", "confirmed_at"]
    readonly_fields = ["token", "created_at", "confirmed_at"]
    search_fields = ["email"]
