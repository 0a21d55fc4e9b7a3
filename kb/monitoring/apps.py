from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "kb.monitoring"
    verbose_name = _("Line monitoring")

    def ready(self) -> None:
        # The staff ticket page shows the line around a ticket monitoring
        # filed; tickets cannot import monitoring, so monitoring registers.
        from kb.monitoring.ticket_panels import (
            monitoring_ticket_incidents_for_readers,
            monitoring_ticket_panel,
        )
        from kb.tickets.panels import register_ticket_panel

        register_ticket_panel(monitoring_ticket_panel)
        register_ticket_panel(monitoring_ticket_incidents_for_readers, staff_only=False)
