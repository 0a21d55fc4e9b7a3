"""Names customers read instead of codes, in the reader's language.

``{{ ticket.team|team_name }}`` or ``{{ "eu"|team_name }}``: "Europe team";
``{{ "push.connect-refused"|problem_title }}``: the problem's title.
"""

from django import template

from kb.tickets.names import problem_title
from kb.tickets.names import team_name as team_label

register = template.Library()


@register.filter
def team_name(team) -> str:
    return team_label(team)


@register.filter(name="problem_title")
def problem_title_filter(code) -> str:
    return problem_title(code)
