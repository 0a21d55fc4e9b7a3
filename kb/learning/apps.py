from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "kb.learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from kb.articles.selectors import popular_ranker_register
        from kb.learning import receivers  # noqa: F401 - connects the signal
        from kb.learning.usage import article_rank_by_use

        popular_ranker_register(article_rank_by_use)
