"""What customers read instead of codes: teams and problems by name, in the
active language ("Europe team", not "eu"; the problem's title, not
push.connect-refused). Staff pages show the codes beside the names."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kb.problems.models import Problem
from kb.tickets.models import Team


def team_name(team: Team | str) -> str:
    """ "Europe team" / "欧洲团队": a team or a team code, in the active language."""
    if not isinstance(team, Team):
        found = Team.objects.filter(code=str(team)).first()
        if found is None:
            return str(team)
        team = found
    return _("%(name)s team") % {"name": team.display_name()}


def problem_title(code: str | Problem) -> str:
    """A problem's title (its summary up to the colon), in the active language."""
    problem = code if isinstance(code, Problem) else _problem(str(code))
    if problem is None:
        return str(code)
    return problem.title


def _problem(code: str) -> Problem | None:
    return Problem.objects.filter(code=code).first()
