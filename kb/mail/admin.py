from urllib.parse import quote

from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kb.core.exceptions import ApplicationError
from kb.mail.models import ReceivedMessage
from kb.mail.parsing import message_parse
from kb.mail.services import held_message_accept, held_message_discard
from kb.tickets.services import can_work_tickets


@admin.register(ReceivedMessage)
class ReceivedMessageAdmin(admin.ModelAdmin):
    """Every received message with what became of it; held ones wait here
    for staff to accept (file a ticket) or discard."""

    list_display = ["arrived_at", "sender", "subject", "outcome", "reason", "review", "ticket"]
    list_filter = ["outcome", "review", "reason", "source"]
    search_fields = ["sender", "subject", "message_id"]
    list_select_related = ["ticket"]
    actions = ["accept", "discard"]
    exclude = ["raw"]
    readonly_fields = [f.name for f in ReceivedMessage._meta.fields if f.name != "raw"] \
        + ["files", "original"]

    def has_add_permission(self, request) -> bool:
        return False

    # Support engineers work the holding queue as they work tickets; the
    # model's own permissions (for other staff) still count.
    def has_view_permission(self, request, obj=None) -> bool:
        return can_work_tickets(request.user) or super().has_view_permission(request, obj)

    def has_module_permission(self, request) -> bool:
        return can_work_tickets(request.user) or super().has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # nothing received is lost

    def has_work_permission(self, request) -> bool:
        """Accepting files a ticket: for those who work tickets."""
        return can_work_tickets(request.user)

    def get_urls(self):
        return [path("<int:received_id>/file/<int:index>/",
                     self.admin_site.admin_view(self.file_download),
                     name="mail_receivedmessage_file"), *super().get_urls()]

    def file_download(self, request: HttpRequest, received_id: int,
                      index: int) -> HttpResponse:
        """One attachment of the message (a screenshot, an archive), always
        downloaded, never shown inline: its bytes are the sender's."""
        if not self.has_view_permission(request):
            raise Http404
        received = get_object_or_404(ReceivedMessage, pk=received_id)
        attachments = message_parse(bytes(received.raw)).attachments
        if index >= len(attachments):
            raise Http404
        attachment = attachments[index]
        response = HttpResponse(attachment.content, content_type="application/octet-stream")
        response["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(attachment.name)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @admin.display(description=_("Attachments"))
    def files(self, received: ReceivedMessage) -> str:
        names = received.attachment_names or []
        return format_html_join(
            ", ", '<a href="{}">{}</a>',
            ((reverse("admin:mail_receivedmessage_file", args=[received.pk, index]), name)
             for index, name in enumerate(names))) or format_html("{}", "—")

    @admin.display(description=_("Original message"))
    def original(self, received: ReceivedMessage) -> str:
        """The message as received, as text (shown escaped, never rendered)."""
        return bytes(received.raw).decode("utf-8", errors="replace")[:200_000]

    def _decide(self, request, queryset, decide, done: str) -> None:
        count = 0
        for received in queryset:
            try:
                decide(received=received, actor=request.user)
                count += 1
            except ApplicationError as exc:
                self.message_user(request, f"{received}: {exc.message}", messages.WARNING)
        if count:
            self.message_user(request, done % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Accept: file the held messages as tickets"),
                  permissions=["work"])
    def accept(self, request, queryset) -> None:
        self._decide(request, queryset, held_message_accept,
                     ngettext("%(count)d message filed as a ticket.",
                              "%(count)d messages filed as tickets.", queryset.count()))

    @admin.action(description=_("Discard the held messages"), permissions=["work"])
    def discard(self, request, queryset) -> None:
        self._decide(request, queryset, held_message_discard,
                     ngettext("%(count)d message discarded.", "%(count)d messages discarded.",
                              queryset.count()))
