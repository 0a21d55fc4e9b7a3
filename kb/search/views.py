from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kb.articles.selectors import article_search_database
from kb.core.languages import content_language

MAX_QUERY_CHARS = 500


def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    notice = None
    if len(query) > MAX_QUERY_CHARS:
        query = query[:MAX_QUERY_CHARS]
        notice = _("Your search was long, so only its first %(n)d characters were used.") % {
            "n": MAX_QUERY_CHARS
        }
    query = "".join(ch for ch in query if ch.isprintable() or ch.isspace()).strip()
    results = article_search_database(query=query, language=content_language(), limit=100)
    page = Paginator(results, 10).get_page(request.GET.get("page"))
    return render(
        request, "search/results.html", {"query": query, "page": page, "notice": notice}
    )
