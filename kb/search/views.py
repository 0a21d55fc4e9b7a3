from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from kb.articles.selectors import article_list_visible_to
from kb.core.choices import Language
from kb.core.languages import content_language
from kb.core.throttles import limited_message, retry_after, throttle_wait
from kb.problems.models import Area
from kb.search.clicks import click_token_valid, parse_rank
from kb.search.query import MAX_QUERY_CHARS
from kb.search.services import search_articles, search_record_click
from kb.search.throttles import SearchThrottle

PAGE_SIZE = 10


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    area = request.GET.get("area") or None
    lang = request.GET.get("lang") or None
    area = area if area in Area.values else None
    lang = lang if lang in Language.values else None
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    context = {
        "query": query, "area": area, "lang": lang,
        "areas": Area.choices, "languages": Language.choices,
        "page": page, "max_chars": MAX_QUERY_CHARS,
    }
    template = "search/_results.html" if request.htmx else "search/results.html"
    # The empty form costs nothing; every search (and page of one) counts.
    wait = throttle_wait(request, [SearchThrottle]) if query.strip() else None
    if wait is not None:
        return retry_after(render(request, template, {**context, "limited": limited_message(wait)},
                                  status=429), wait)
    results = search_articles(
        text=query, language=content_language(), area=area, lang=lang,
        limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
        # One log entry per search, not per page of it.
        record=bool(query.strip()) and page == 1,
    )
    context.update({
        "query": results.query, "results": results,
        "pages": max(1, -(-results.total // PAGE_SIZE)), "first_rank": (page - 1) * PAGE_SIZE,
    })
    if results.query and (results.weak or not results.hits):
        context.update(_help_links(results.query))
    return render(request, template, context)


def _help_links(query: str) -> dict:
    """Where a search that found nothing, or only weak matches, leads: the
    guided wizard, and support with the search as the ticket's subject (a
    visitor signs in first, or writes to the support address)."""
    new_ticket = f"{reverse('tickets:new')}?{urlencode({'subject': query[:200]})}"
    return {
        "wizard_url": reverse("wizard:start"),
        "new_ticket_url": new_ticket,
        "sign_in_url": f"{reverse('login')}?{urlencode({'next': new_ticket})}",
        "support_email": getattr(settings, "KB_SUPPORT_EMAIL", settings.DEFAULT_FROM_EMAIL),
        "support_mailto_subject": query[:200],
    }


@require_GET
def search_click(request: HttpRequest, log_id: int, article_id: int) -> HttpResponse:
    """Record which result a search led to, then open it.

    Only a link signed for this search, article and rank records anything
    (kb.search.clicks); any other still opens the article.
    """
    article = get_object_or_404(article_list_visible_to(user=request.user), pk=article_id)
    rank = parse_rank(request.GET.get("rank", ""))
    if click_token_valid(request.GET.get("t", ""), log_id=log_id, article_id=article_id,
                         rank=rank):
        search_record_click(log_id=log_id, article=article, rank=rank)
    return redirect(article.get_absolute_url())
