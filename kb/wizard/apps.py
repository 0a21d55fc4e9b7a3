from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WizardConfig(AppConfig):
    name = "kb.wizard"
    verbose_name = _("Diagnostic wizard")
