"""E-mail to the people who act on an article."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse

from kb.articles.models import Article

log = logging.getLogger(__name__)


def reviewers() -> list[str]:
    perm = Permission.objects.get(codename="review_article", content_type__app_label="articles")
    users = get_user_model().objects.filter(
        Q(user_permissions=perm) | Q(groups__permissions=perm) | Q(is_superuser=True),
        is_active=True,
    ).exclude(email="")
    return sorted({user.email for user in users})


def review_requested_notify(*, article: Article) -> int:
    recipients = reviewers()
    if not recipients:
        log.warning("review_requested_no_reviewer article=%s", article.pk)
        return 0
    path = reverse("admin:articles_article_change", args=[article.pk])
    sent = send_mail(
        subject=f"[Streamline KB] Review requested: {article.title}",
        message=(
            f"{article.owner or 'A curator'} sent “{article.title}” ({article.language}, "
            f"version {article.version}) to review.\n\nReview it: {path}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    log.info("review_requested_notified article=%s recipients=%d", article.pk, len(recipients))
    return sent
