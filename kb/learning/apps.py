from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "kb.learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from kb.learning import receivers  # noqa: F401 - connects the signal
