"""Staff edit a flow's draft (TOML) and publish it as the next version."""

from django import forms
from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kb.core.exceptions import ApplicationError
from kb.wizard import selectors, services
from kb.wizard.flows import FlowError, flow_parse
from kb.wizard.models import Flow, FlowVersion, WizardSession


class FlowForm(forms.ModelForm):
    class Meta:
        model = Flow
        fields = ["slug", "draft"]
        widgets = {"draft": forms.Textarea(attrs={"rows": 40, "cols": 110,
                                                  "class": "kb-source"})}

    class Media:
        css = {"all": ["kb/admin.css"]}

    def clean_draft(self):
        text = self.cleaned_data["draft"]
        try:
            definition = flow_parse(text)
        except FlowError as exc:
            raise forms.ValidationError(exc.errors) from exc
        errors = selectors.flow_article_errors(definition)
        if errors:
            raise forms.ValidationError(errors)
        slug = self.cleaned_data.get("slug") or (self.instance.slug if self.instance.pk else "")
        if slug and definition["slug"] != slug:
            raise forms.ValidationError(
                _("The draft's slug must be the flow's slug (%(slug)s).") % {"slug": slug})
        self.definition = definition
        return text


class FlowVersionInline(admin.TabularInline):
    model = FlowVersion
    fields = ["number", "published_at", "published_by", "session_count"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("sessions"))
    def session_count(self, version):
        return version.sessions.count()


@admin.register(Flow)
class FlowAdmin(admin.ModelAdmin):
    form = FlowForm
    list_display = ["slug", "title_en", "area", "emergency", "latest_version", "unpublished"]
    list_filter = ["area", "emergency"]
    inlines = [FlowVersionInline]
    actions = ["publish"]
    save_on_top = True

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj is not None else []

    @admin.display(description=_("latest version"))
    def latest_version(self, flow):
        latest = selectors.flow_latest_version(flow=flow)
        return latest.number if latest else "—"

    @admin.display(boolean=True, description=_("unpublished changes"))
    def unpublished(self, flow):
        latest = selectors.flow_latest_version(flow=flow)
        return latest is None or latest.source != flow.draft

    def save_model(self, request, obj, form, change):
        if not change:
            obj.title_en = form.definition["title"]["en"][:200]
            obj.title_zh = form.definition["title"]["zh-hans"][:200]
        super().save_model(request, obj, form, change)
        if "_publish" in request.POST:
            self._publish(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_publish": True,
                         "stats_url": reverse("wizard:stats")}
        return super().change_view(request, object_id, form_url, extra_context)

    def _publish(self, request, flow):
        latest = selectors.flow_latest_version(flow=flow)
        if latest is not None and latest.source == flow.draft:
            self.message_user(request, _("%(flow)s: the draft is already published as "
                                         "version %(n)d.") % {"flow": flow, "n": latest.number},
                              messages.WARNING)
            return
        try:
            version = services.flow_publish(flow=flow, published_by=request.user)
        except ApplicationError as exc:
            self.message_user(request, f"{flow}: {exc.message}", messages.ERROR)
            return
        self.message_user(request, _("%(flow)s: published as version %(n)d; running "
                                     "sessions finish on theirs.")
                          % {"flow": flow, "n": version.number}, messages.SUCCESS)

    @admin.action(description=_("Publish the draft as a new version"))
    def publish(self, request, queryset):
        for flow in queryset:
            self._publish(request, flow)


@admin.register(WizardSession)
class WizardSessionAdmin(admin.ModelAdmin):
    list_display = ["id", "flow_version", "language", "outcome", "current_step", "user",
                    "created_at", "last_activity_at"]
    list_filter = ["outcome", "flow_version__flow", "language"]
    readonly_fields = ["id", "flow_version", "language", "user", "current_step", "outcome",
                       "resolved_article", "ticket", "created_at", "last_activity_at",
                       "ended_at", "transcript", "page"]
    fields = readonly_fields
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("transcript"))
    def transcript(self, session):
        return render_to_string("wizard/_transcript.html", {"session": session})

    @admin.display(description=_("page"))
    def page(self, session):
        url = reverse("wizard:session", args=[session.id])
        return format_html('<a href="{}">{}</a>', url, url)
