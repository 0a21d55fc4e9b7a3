import re

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    PUSH = "push", _("Push")
    NETWORK = "network", _("Network")
    ENCODER = "encoder", _("Encoder")
    PLAYBACK = "playback", _("Playback")
    OPERATIONS = "operations", _("Operations")


class Problem(models.Model):
    """A problem code from the taxonomy: the name every part of the site uses."""

    code = models.CharField(
        max_length=64, unique=True, help_text=_("Stable identifier, e.g. push.connect-refused")
    )
    area = models.CharField(max_length=16, choices=Area.choices)
    summary_en = models.CharField(_("summary (English)"), max_length=300)
    summary_zh = models.CharField(_("summary (Chinese)"), max_length=300)

    class Meta:
        ordering = ["code"]
        verbose_name = _("problem code")

    def __str__(self) -> str:
        return self.code

    @property
    def summary(self) -> str:
        return self.summary_zh if (get_language() or "").startswith("zh") else self.summary_en

    @property
    def title(self) -> str:
        """A short name for the problem, in the active language: its summary
        without the parentheses, up to the colon (customers read this, never
        the code)."""
        chinese = (get_language() or "").startswith("zh")
        return summary_title(self.summary_zh if chinese else self.summary_en,
                             limit=20 if chinese else 60)


def summary_title(summary: str, *, limit: int) -> str:
    text = re.sub(r"\s*[(（][^)）]*[)）]", "", summary)
    text = re.split(r"[:：;；]", text, maxsplit=1)[0].strip().rstrip(".。,，")
    if len(text) > limit:
        text = re.split(r",\s|，|,| because | so ", text, maxsplit=1)[0].strip().rstrip(".。,，")
    return text
