from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kb.articles import selectors, services
from kb.articles.forms import FeedbackForm
from kb.articles.markdown import render_article_html
from kb.articles.throttles import feedback_allowed
from kb.core.choices import Language
from kb.core.languages import content_language
from kb.problems.models import Area


def home(request: HttpRequest) -> HttpResponse:
    language = content_language()
    counts = selectors.area_counts(language=language)
    areas = [(area, counts.get(area.value, 0)) for area in Area]
    return render(
        request,
        "articles/home.html",
        {"areas": areas, "popular": selectors.article_list_popular(language=language)},
    )


def area_detail(request: HttpRequest, area: str) -> HttpResponse:
    if area not in Area.values:
        raise Http404(_("No such area."))
    articles = list(selectors.article_list_for_area(area=area, language=content_language()))
    return render(
        request, "articles/area.html", {"area": Area(area), "articles": articles}
    )


def _get_article(request: HttpRequest, language: str, slug: str):
    if language not in Language.values:
        raise Http404(_("No such language."))
    article = selectors.article_get_visible(user=request.user, language=language, slug=slug)
    if article is None:
        raise Http404(_("No such article."))
    return article


def _render_detail(request: HttpRequest, article, form: FeedbackForm,
                   status: int = 200) -> HttpResponse:
    return render(
        request,
        "articles/detail.html",
        {
            "article": article,
            "body_html": render_article_html(article),
            "translation": selectors.article_translation(article=article, user=request.user),
            "feedback_form": form,
        },
        status=status,
    )


def article_detail(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    return _render_detail(request, _get_article(request, language, slug), FeedbackForm())


@require_POST
def article_feedback(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    article = _get_article(request, language, slug)
    form = FeedbackForm(request.POST)
    status = 200
    if not form.is_valid():
        status = 400
    else:
        allowed, wait = feedback_allowed(request)
        if not allowed:
            form.add_error(
                None,
                _("You have sent a lot of feedback. Please try again in %(minutes)d minutes.")
                % {"minutes": max(1, int((wait or 60) // 60))},
            )
            status = 429
        else:
            services.feedback_create(article=article, **form.cleaned_data)
    if request.htmx:
        return render(
            request,
            "articles/_feedback.html",
            {"article": article, "feedback_form": form, "thanks": status == 200},
            status=status,
        )
    if status == 200:
        messages.success(request, _("Thank you for your feedback."))
        return redirect(article.get_absolute_url() + "#feedback")
    return _render_detail(request, article, form, status)
