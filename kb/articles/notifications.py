"""E-mail to the people who act on an article.

Links are absolute (``KB_SITE_URL``): a path alone is no link in a mail
reader.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse

from kb.articles.models import Article, ArticleRevision

log = logging.getLogger(__name__)


def reviewers() -> list[str]:
    perm = Permission.objects.get(codename="review_article", content_type__app_label="articles")
    users = get_user_model().objects.filter(
        Q(user_permissions=perm) | Q(groups__permissions=perm) | Q(is_superuser=True),
        is_active=True,
    ).exclude(email="")
    return sorted({user.email for user in users})


def _change_link(article: Article) -> str:
    return settings.KB_SITE_URL + reverse("admin:articles_article_change", args=[article.pk])


def _subject(text: str) -> str:
    # One line: a title never breaks the header, however it was typed.
    return f"[{settings.KB_SITE_NAME}] {' '.join(text.split())}"[:150]


def review_requested_notify(*, article: Article) -> int:
    recipients = reviewers()
    if not recipients:
        log.warning("review_requested_no_reviewer article=%s", article.pk)
        return 0
    sent = send_mail(
        subject=_subject(f"Review requested: {article.title}"),
        message=(
            f"{article.owner or 'A curator'} sent “{article.title}” ({article.language}, "
            f"version {article.version}) to review.\n\nReview it: {_change_link(article)}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    log.info("review_requested_notified article=%s recipients=%d", article.pk, len(recipients))
    return sent


def edit_review_requested_notify(*, revision: ArticleRevision) -> int:
    """Tell the reviewers that an edit of a published article waits for them."""
    article = revision.article
    recipients = reviewers()
    if not recipients:
        log.warning("edit_review_requested_no_reviewer article=%s", article.pk)
        return 0
    sent = send_mail(
        subject=_subject(f"Edit to review: {article.title}"),
        message=(
            f"{revision.author or 'A curator'} edited the published article "
            f"“{article.title}” ({article.language}). Readers see version "
            f"{article.version} until the edit is published.\n\n"
            f"Review the edit: {_change_link(article)}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    log.info("edit_review_requested_notified article=%s recipients=%d", article.pk,
             len(recipients))
    return sent


def _returned_notify(*, article: Article, author, reviewer, note: str, what: str) -> int:
    if author is None or not author.email:
        log.warning("article_returned_no_author_email article=%s", article.pk)
        return 0
    reason = note.strip() or "(no note)"
    sent = send_mail(
        subject=_subject(f"Returned: {article.title}"),
        message=(
            f"{reviewer or 'A reviewer'} returned {what} “{article.title}” "
            f"({article.language}).\n\nNote: {reason}\n\n"
            f"Open it: {_change_link(article)}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[author.email],
    )
    log.info("article_returned_notified article=%s", article.pk)
    return sent


def article_returned_notify(*, article: Article) -> int:
    """Tell a draft's owner that the reviewer sent it back, and why."""
    return _returned_notify(
        article=article, author=article.owner, reviewer=article.reviewer,
        note=article.review_note, what="your draft",
    )


def edit_returned_notify(*, revision: ArticleRevision) -> int:
    """Tell the author of an edit that the reviewer sent it back, and why."""
    return _returned_notify(
        article=revision.article, author=revision.author, reviewer=revision.reviewed_by,
        note=revision.review_note, what="your edit of the published article",
    )
