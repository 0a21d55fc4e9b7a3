"""How article text reads on result lists and article pages.

``{{ hit.snippet|snippet_lines:hit.lang }}``: a search snippet drawn from an
article's symptoms holds one symptom per line; each is shown apart ("Failed
to connect to server · The server is offline"), not run into the next, and
an English article's Chinese phrasings (there for search) are left out
unless nothing else matched. ``{% ticket_about_url article as url %}``: the
ticket form started with the article named.
"""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kb.articles.models import written_in_chinese

register = template.Library()

SEPARATOR = '<span class="snippet-sep" aria-hidden="true"> · </span>'


@register.filter
def snippet_lines(snippet: str, language: str = "") -> SafeString:
    # The snippet is already escaped HTML with <mark> only (kb.search).
    lines = [line.strip() for line in str(snippet).splitlines() if line.strip()]
    if language == "en":
        lines = [line for line in lines if not written_in_chinese(line)] or lines
    return mark_safe(SEPARATOR.join(  # noqa: S308 - parts of escaped HTML
        f'<span class="snippet-part">{line}</span>' for line in lines))


@register.simple_tag
def ticket_about_url(article) -> str:
    """The ticket form, started with this article named: for a customer it
    did not help (``{% ticket_about_url article as url %}``)."""
    subject = _("Did not fix it: %(title)s") % {"title": article.title}
    description = _("I followed the fix %(url)s and the problem is still there.") % {
        "url": settings.KB_SITE_URL + article.get_absolute_url()}
    return reverse("tickets:new") + "?" + urlencode(
        {"subject": subject[:200], "description": description})
