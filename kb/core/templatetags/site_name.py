"""``{% site_name as name %}``: the site's name (``KB_SITE_NAME``) where no
request context reaches, as in e-mails Django's auth renders itself."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag(name="site_name")
def site_name_tag() -> str:
    return settings.KB_SITE_NAME
