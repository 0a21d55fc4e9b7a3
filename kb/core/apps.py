from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kb.core"
    verbose_name = "Site"

    def ready(self) -> None:
        # Connects the Celery task signals in every process, workers included;
        # imported here, after the settings chose the metrics folder.
        from kb.core import metrics  # noqa: F401
