"""``{{ step.help_text|help_html }}``: a flow's help text as HTML.

Line breaks are kept; text in backticks is a command to run
(`mtr -rwc 100 push.example.com`), shown as a code block with a Copy button
so nobody retypes it on a phone. Everything else is escaped.
"""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _line(text: str) -> str:
    pieces = text.split("`")
    if len(pieces) < 3:
        return escape(text)
    out = []
    for index, piece in enumerate(pieces):
        if index % 2 == 0 or index == len(pieces) - 1:
            # Text between commands (an unpaired last backtick stays text).
            out.append(escape(piece if index % 2 == 0 else "`" + piece))
        else:
            out.append(format_html(
                '<span class="command"><code>{}</code>'
                '<button type="button" class="copy-button" data-copy="{}" '
                'aria-label="{}">{}</button></span>',
                piece, piece, _("Copy: %(command)s") % {"command": piece}, _("Copy")))
    return "".join(out)


@register.filter
def help_html(text: str) -> SafeString:
    lines = (text or "").splitlines()
    return mark_safe("<br>".join(_line(line) for line in lines))  # noqa: S308 - escaped above
