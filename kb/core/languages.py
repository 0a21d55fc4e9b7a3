from django.utils.translation import get_language

from kb.core.choices import Language


def content_language() -> str:
    """The article language that matches the active UI language."""
    return Language.ZH_HANS if (get_language() or "").lower().startswith("zh") else Language.EN
