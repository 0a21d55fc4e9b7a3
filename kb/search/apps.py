from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "kb.search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from kb.search import receivers  # noqa: F401 - connects the signal
