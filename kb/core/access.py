"""Who may open a page."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _


def staff_only(view):
    """Staff pages: anonymous visitors sign in first; customers get a 404, so
    they do not learn that the page exists."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise Http404(_("No such page."))
        return view(request, *args, **kwargs)

    return wrapped
