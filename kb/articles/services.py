"""Writes to the knowledge base: one function per state change."""

import datetime as dt
import logging
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kb.articles.models import Article, ArticleFeedback, ArticleRevision
from kb.articles.signals import article_changed, feedback_given
from kb.core.exceptions import ApplicationError
from kb.problems.models import Problem

log = logging.getLogger(__name__)

CONTENT_FIELDS = ("title", "summary", "body", "symptoms")
EDITABLE_FIELDS = (
    *CONTENT_FIELDS,
    "slug", "tags", "area", "roles", "protocols", "encoders", "owner", "last_verified",
)


class ArticleConflict(ApplicationError):
    """Somebody saved the article after the editor opened it."""

    def __init__(self, article: Article, expected_version: int):
        latest = article.revisions.order_by("-version").select_related("author").first()
        who = (latest.author.get_username() if latest and latest.author else _("someone"))
        when = latest.created_at if latest else article.updated_at
        super().__init__(
            _(
                "Not saved: %(who)s saved version %(current)s of this article at "
                "%(when)s UTC, after you opened version %(expected)s. Your changes "
                "would overwrite theirs. Open the article again, reapply your "
                "changes and save."
            )
            % {
                "who": who,
                "current": article.version,
                "when": when.strftime("%Y-%m-%d %H:%M"),
                "expected": expected_version,
            },
            status_code=409,
        )


def _on_commit_index(article: Article) -> None:
    """Announce the change once the transaction commits (the index follows)."""
    article_id = article.pk
    transaction.on_commit(
        lambda: article_changed.send(sender=Article, article_id=article_id)
    )


def _record_revision(*, article: Article, author, note: str) -> ArticleRevision:
    return ArticleRevision.objects.create(
        article=article,
        version=article.version,
        title=article.title,
        summary=article.summary,
        body=article.body,
        symptoms=article.symptoms,
        problem_codes=sorted(article.problems.values_list("code", flat=True)),
        author=author,
        note=note[:300],
    )


def _clean_symptoms(symptoms: str | Iterable[str]) -> str:
    lines = symptoms.splitlines() if isinstance(symptoms, str) else list(symptoms)
    return "\n".join(line.strip() for line in lines if line and line.strip())


@transaction.atomic
def article_create(
    *,
    author: AbstractBaseUser | None,
    slug: str,
    language: str,
    title: str,
    summary: str,
    body: str,
    area: str,
    problems: Iterable[Problem] = (),
    symptoms: str | Iterable[str] = "",
    tags: str = "",
    roles: list[str] | None = None,
    protocols: list[str] | None = None,
    encoders: list[str] | None = None,
    owner: AbstractBaseUser | None = None,
    last_verified: dt.date | None = None,
    translation_group: str = "",
    status: str = Article.Status.DRAFT,
    note: str = "",
) -> Article:
    article = Article(
        slug=slug,
        language=language,
        translation_group=translation_group or slug,
        title=title,
        summary=summary,
        body=body,
        symptoms=_clean_symptoms(symptoms),
        tags=tags,
        area=area,
        roles=roles or [],
        protocols=protocols or [],
        encoders=encoders or [],
        owner=owner or author,
        last_verified=last_verified,
        status=status,
        published_at=timezone.now() if status == Article.Status.PUBLISHED else None,
    )
    article.full_clean()
    article.save()
    article.problems.set(problems)
    _record_revision(article=article, author=author, note=note or "created")
    if article.status == Article.Status.PUBLISHED:
        _on_commit_index(article)
    log.info("article_created id=%s slug=%s lang=%s", article.pk, slug, language)
    return article


@transaction.atomic
def article_update(
    *,
    article: Article,
    editor: AbstractBaseUser | None,
    expected_version: int,
    problems: Iterable[Problem] | None = None,
    minor_edit: bool = False,
    note: str = "",
    **fields,
) -> Article:
    """Save new content as the next version.

    Refused with ``ArticleConflict`` when the article moved past
    ``expected_version`` since the editor loaded it. When the content
    changes, the translation is flagged out of date, unless this article was
    itself out of date (then this save brings it in line) or the edit is
    marked minor (a typo fix that needs no translation).
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "symptoms" in fields:
        fields["symptoms"] = _clean_symptoms(fields["symptoms"])

    # Lock the row, then compare: two editors can never both pass this check.
    current = Article.objects.select_for_update().get(pk=article.pk)
    if current.version != expected_version:
        raise ArticleConflict(current, expected_version)

    old_codes = set(current.problems.values_list("code", flat=True))
    new_codes = {p.code for p in problems} if problems is not None else old_codes
    content_changed = any(
        getattr(current, key) != value for key, value in fields.items() if key in CONTENT_FIELDS
    )
    changed = [k for k, v in fields.items() if getattr(current, k) != v]
    if not changed and new_codes == old_codes:
        return current

    for key, value in fields.items():
        setattr(current, key, value)
    current.version += 1
    if content_changed and not minor_edit:
        translation = article_translation_of(current, for_update=True)
        if current.translation_outdated:
            current.translation_outdated = False
        elif translation is not None:
            translation.translation_outdated = True
            translation.save(update_fields=["translation_outdated", "updated_at"])
    current.full_clean()
    current.save()
    if problems is not None:
        current.problems.set(problems)
    _record_revision(article=current, author=editor, note=note or "edited")
    if current.status == Article.Status.PUBLISHED:
        _on_commit_index(current)
    log.info("article_updated id=%s version=%s fields=%s", current.pk, current.version, changed)
    return current


def article_translation_of(article: Article, *, for_update: bool = False) -> Article | None:
    qs = Article.objects.filter(translation_group=article.translation_group).exclude(pk=article.pk)
    return (qs.select_for_update() if for_update else qs).first()


@transaction.atomic
def article_link_translation(*, article: Article, translation: Article) -> Article:
    if translation.language == article.language:
        raise ApplicationError(_("A translation must be in the other language."))
    clash = (
        Article.objects.filter(
            translation_group=translation.translation_group, language=article.language
        )
        .exclude(pk=article.pk)
        .first()
    )
    if clash is not None:
        raise ApplicationError(
            _("“%(other)s” is already the translation of “%(clash)s”.")
            % {"other": translation, "clash": clash}
        )
    article.translation_group = translation.translation_group
    article.translation_outdated = False
    article.save(update_fields=["translation_group", "translation_outdated", "updated_at"])
    return article


@transaction.atomic
def article_rollback(
    *, article: Article, revision: ArticleRevision, editor, expected_version: int
) -> Article:
    if revision.article_id != article.pk:
        raise ApplicationError(_("That revision belongs to another article."))
    problems = Problem.objects.filter(code__in=revision.problem_codes)
    return article_update(
        article=article,
        editor=editor,
        expected_version=expected_version,
        problems=list(problems),
        note=f"rolled back to version {revision.version}",
        **{key: getattr(revision, key) for key in CONTENT_FIELDS},
    )


def _require(article: Article, allowed: set[str], action: str) -> None:
    if article.status not in allowed:
        raise ApplicationError(
            _("Cannot %(action)s an article that is %(status)s.")
            % {"action": action, "status": article.get_status_display().lower()}
        )


def _require_reviewer(user) -> None:
    if user is None or not user.has_perm("articles.review_article"):
        raise ApplicationError(_("Only a reviewer can do this."), status_code=403)


@transaction.atomic
def article_submit_for_review(*, article: Article, actor) -> Article:
    _require(article, {Article.Status.DRAFT}, _("send to review"))
    article.status = Article.Status.IN_REVIEW
    article.save(update_fields=["status", "updated_at"])
    from kb.articles import tasks

    article_id = article.pk
    transaction.on_commit(lambda: tasks.notify_review_requested.delay(article_id=article_id))
    log.info("article_submitted id=%s by=%s", article.pk, getattr(actor, "pk", None))
    return article


@transaction.atomic
def article_publish(*, article: Article, reviewer) -> Article:
    _require_reviewer(reviewer)
    _require(article, {Article.Status.IN_REVIEW}, _("publish"))
    article.status = Article.Status.PUBLISHED
    article.reviewer = reviewer
    article.review_note = ""
    article.published_at = timezone.now()
    article.last_verified = article.last_verified or timezone.localdate()
    article.save(
        update_fields=["status", "reviewer", "review_note", "published_at", "last_verified",
                       "updated_at"]
    )
    _on_commit_index(article)
    log.info("article_published id=%s by=%s", article.pk, reviewer.pk)
    return article


@transaction.atomic
def article_return_to_draft(*, article: Article, reviewer, note: str = "") -> Article:
    _require_reviewer(reviewer)
    _require(article, {Article.Status.IN_REVIEW}, _("return"))
    article.status = Article.Status.DRAFT
    article.reviewer = reviewer
    article.review_note = note
    article.save(update_fields=["status", "reviewer", "review_note", "updated_at"])
    return article


@transaction.atomic
def article_unpublish(*, article: Article, reviewer) -> Article:
    _require_reviewer(reviewer)
    _require(article, {Article.Status.PUBLISHED}, _("unpublish"))
    article.status = Article.Status.DRAFT
    article.save(update_fields=["status", "updated_at"])
    _on_commit_index(article)
    return article


@transaction.atomic
def article_archive(*, article: Article, actor) -> Article:
    _require(article, {s for s in Article.Status if s != Article.Status.ARCHIVED}, _("archive"))
    was_published = article.status == Article.Status.PUBLISHED
    article.status = Article.Status.ARCHIVED
    article.save(update_fields=["status", "updated_at"])
    if was_published:
        _on_commit_index(article)
    return article


def article_mark_verified(*, article: Article, actor, on: dt.date | None = None) -> Article:
    article.last_verified = on or timezone.localdate()
    article.save(update_fields=["last_verified", "updated_at"])
    return article


def article_confirm_translation(*, article: Article, actor) -> Article:
    """A curator checked that the article still matches its translation."""
    article.translation_outdated = False
    article.save(update_fields=["translation_outdated", "updated_at"])
    return article


def feedback_create(*, article: Article, helpful: bool, comment: str = "") -> ArticleFeedback:
    if not article.is_published:
        raise ApplicationError(_("Feedback is only taken on published articles."), status_code=404)
    feedback = ArticleFeedback(article=article, helpful=helpful, comment=comment.strip())
    feedback.full_clean()
    feedback.save()
    article_id = article.pk
    transaction.on_commit(lambda: feedback_given.send(sender=Article, article_id=article_id))
    return feedback
