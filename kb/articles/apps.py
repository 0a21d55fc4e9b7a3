from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "kb.articles"
    verbose_name = _("Knowledge base")
