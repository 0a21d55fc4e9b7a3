from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kb.articles import selectors, services
from kb.articles.forms import FeedbackForm, FeedbackMissingForm
from kb.articles.markdown import render_article_html
from kb.articles.throttles import feedback_allowed
from kb.core.choices import Language
from kb.core.exceptions import ApplicationError
from kb.core.languages import content_language
from kb.problems.models import Area


def home(request: HttpRequest) -> HttpResponse:
    language = content_language()
    counts = selectors.area_counts(language=language)
    areas = [(area, counts.get(area.value, 0)) for area in Area]
    popular = selectors.article_list_popular(language=language)
    return render(
        request,
        "articles/home.html",
        {"areas": areas, "popular": popular,
         "popular_kind": selectors.popular_kind(popular)},
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
                   status: int = 200, **feedback) -> HttpResponse:
    return render(
        request,
        "articles/detail.html",
        {
            "article": article,
            "body_html": render_article_html(article),
            "translation": selectors.article_translation(article=article, user=request.user),
            "feedback_form": form,
            **feedback,
        },
        status=status,
    )


def article_detail(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    article = _get_article(request, language, slug)
    token = request.GET.get("missing", "")
    if token:
        # Back from a "No" sent without script: ask what was missing.
        try:
            services.feedback_for_missing(article=article, token=token)
        except ApplicationError:
            pass
        else:
            return _render_detail(request, article, FeedbackForm(), thanks=True, said_no=True,
                                  missing_form=FeedbackMissingForm(initial={"token": token}))
    return _render_detail(request, article, FeedbackForm())


def _feedback_refused(form, request) -> int | None:
    """429 with a message on the form when the client sent too much feedback."""
    allowed, wait = feedback_allowed(request)
    if allowed:
        return None
    form.add_error(
        None,
        _("You have sent a lot of feedback. Please try again in %(minutes)d minutes.")
        % {"minutes": max(1, int((wait or 60) // 60))},
    )
    return 429


@require_POST
def article_feedback(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    article = _get_article(request, language, slug)
    if "token" in request.POST:
        return _feedback_missing(request, article)
    form = FeedbackForm(request.POST)
    status = 200
    feedback = None
    if not form.is_valid():
        status = 400
    else:
        status = _feedback_refused(form, request) or 200
        if status == 200:
            feedback = services.feedback_create(article=article, **form.cleaned_data)
    said_no = feedback is not None and not feedback.helpful
    missing_form = FeedbackMissingForm(
        initial={"token": services.feedback_missing_token(feedback)}) if said_no else None
    if request.htmx:
        return render(
            request,
            "articles/_feedback.html",
            {"article": article, "feedback_form": form, "thanks": status == 200,
             "said_no": said_no, "missing_form": missing_form},
            status=status,
        )
    if status == 200:
        messages.success(request, _("Thank you for your feedback."))
        if said_no:
            query = urlencode({"missing": missing_form.initial["token"]})
            return redirect(f"{article.get_absolute_url()}?{query}#feedback")
        return redirect(article.get_absolute_url() + "#feedback")
    return _render_detail(request, article, form, status)


def _feedback_missing(request: HttpRequest, article) -> HttpResponse:
    """The answer to "What was missing?", added to the reader's "No"."""
    form = FeedbackMissingForm(request.POST)
    status = 400
    if form.is_valid():
        status = _feedback_refused(form, request) or 200
        if status == 200:
            try:
                services.feedback_add_missing(article=article, **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
                # 400 rather than 404/410, so the page's script shows the message.
                status = 409 if error.status_code == 409 else 400
    context = {"thanks": True, "said_no": True, "missing_sent": status == 200,
               "missing_form": form}
    if request.htmx:
        return render(request, "articles/_feedback.html",
                      {"article": article, "feedback_form": FeedbackForm(), **context},
                      status=status)
    if status == 200:
        messages.success(request, _("Thank you: the article's curators will read it."))
        return redirect(article.get_absolute_url() + "#feedback")
    return _render_detail(request, article, FeedbackForm(), status, **context)
