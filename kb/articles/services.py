"""Writes to the knowledge base: one function per state change."""

import datetime as dt
import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kb.articles.models import Article, ArticleFeedback, ArticleRevision
from kb.articles.signals import article_changed, article_written, feedback_given
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
        latest = (
            article.revisions.filter(state=ArticleRevision.State.SAVED)
            .order_by("-version").select_related("author").first()
        )
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
    """Announce the change now, to what changes in the same transaction, and
    once the transaction commits (the index follows)."""
    article_id = article.pk
    article_written.send(sender=Article, article_id=article_id)
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

    changed = _apply_content(
        current=current, fields=fields, problems=problems, minor_edit=minor_edit
    )
    if changed is None:
        return current
    _record_revision(article=current, author=editor, note=note or "edited")
    if current.status == Article.Status.PUBLISHED:
        _on_commit_index(current)
    log.info("article_updated id=%s version=%s fields=%s", current.pk, current.version, changed)
    return current


def _apply_content(
    *, current: Article, fields: dict, problems: Iterable[Problem] | None, minor_edit: bool
) -> list[str] | None:
    """Write ``fields`` and ``problems`` into the locked article as its next
    version; None (and nothing written) when they change nothing."""
    old_codes = set(current.problems.values_list("code", flat=True))
    new_codes = {p.code for p in problems} if problems is not None else old_codes
    content_changed = any(
        getattr(current, key) != value for key, value in fields.items() if key in CONTENT_FIELDS
    )
    changed = [k for k, v in fields.items() if getattr(current, k) != v]
    if not changed and new_codes == old_codes:
        return None

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
    return changed


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
    """Bring back an earlier version's content as a new version.

    On a published article the old content becomes an edit waiting for
    review, like any other edit: readers see it only once a reviewer
    publishes it.
    """
    if revision.article_id != article.pk or revision.state != ArticleRevision.State.SAVED:
        raise ApplicationError(_("That revision belongs to another article."))
    problems = Problem.objects.filter(code__in=revision.problem_codes)
    if article.status == Article.Status.PUBLISHED:
        pending = pending_edit_of(article)
        article_edit_published(
            article=article,
            editor=editor,
            expected_version=expected_version,
            expected_edit=pending.pk if pending else None,
            problems=list(problems),
            note=f"rolled back to version {revision.version}",
            **{key: getattr(revision, key) for key in CONTENT_FIELDS},
        )
        return Article.objects.get(pk=article.pk)
    return article_update(
        article=article,
        editor=editor,
        expected_version=expected_version,
        problems=list(problems),
        note=f"rolled back to version {revision.version}",
        **{key: getattr(revision, key) for key in CONTENT_FIELDS},
    )


# Pending edits of published articles ---------------------------------------

OTHER_FIELDS = tuple(key for key in EDITABLE_FIELDS if key not in CONTENT_FIELDS)


class PendingEditConflict(ApplicationError):
    """Somebody saved an edit of the article after the editor opened it."""

    def __init__(self, pending: ArticleRevision | None):
        if pending is None:
            message = _(
                "Not saved: the edit you opened was published or returned in the "
                "meantime. Open the article again, reapply your changes and save."
            )
        else:
            message = _(
                "Not saved: %(who)s saved an edit of this article at %(when)s UTC, "
                "after you opened it. Your changes would overwrite theirs. Open the "
                "article again, reapply your changes and save."
            ) % {
                "who": pending.author.get_username() if pending.author else _("someone"),
                "when": pending.created_at.strftime("%Y-%m-%d %H:%M"),
            }
        super().__init__(message, status_code=409)


def pending_edit_of(article: Article) -> ArticleRevision | None:
    """The edit of ``article`` waiting for review, if any."""
    return (
        ArticleRevision.objects.filter(article=article, state=ArticleRevision.State.PENDING)
        .select_related("author")
        .first()
    )


def _encode_other_fields(fields: dict) -> dict:
    out = {}
    for key in OTHER_FIELDS:
        value = fields[key]
        if key == "owner":
            value = value.pk if value is not None else None
        elif key == "last_verified":
            value = value.isoformat() if value else None
        out[key] = value
    return out


def _decode_other_fields(data: dict) -> dict:
    out = dict(data)
    if "owner" in out:
        owner_id = out["owner"]
        out["owner"] = (
            get_user_model().objects.filter(pk=owner_id).first() if owner_id else None
        )
    if "last_verified" in out:
        out["last_verified"] = (
            dt.date.fromisoformat(out["last_verified"]) if out["last_verified"] else None
        )
    return out


def _live_fields(article: Article) -> dict:
    return {key: getattr(article, key) for key in EDITABLE_FIELDS}


def edit_fields(revision: ArticleRevision) -> dict:
    """The article's editable fields as ``revision`` (an edit) would make them."""
    live = _live_fields(revision.article)
    content = {key: getattr(revision, key) for key in CONTENT_FIELDS}
    return {**live, **_decode_other_fields(revision.other_fields), **content}


@transaction.atomic
def article_edit_published(
    *,
    article: Article,
    editor: AbstractBaseUser | None,
    expected_version: int,
    expected_edit: int | None,
    problems: Iterable[Problem] | None = None,
    minor_edit: bool = False,
    note: str = "",
    **fields,
) -> ArticleRevision | None:
    """Save an edit of a published article; readers keep the published version.

    The edit is kept as a pending revision and goes to review; the article
    and the search index stay as they are until a reviewer publishes it. A
    reviewer's minor edit (a typo or formatting fix) is published at once
    and recorded as such. ``expected_edit`` is the pending edit the editor
    opened (None when there was none): saving over a newer edit is refused.
    Returns the edit, or None when it equals the published version (an open
    edit is then withdrawn).
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "symptoms" in fields:
        fields["symptoms"] = _clean_symptoms(fields["symptoms"])

    current = Article.objects.select_for_update().get(pk=article.pk)
    if current.status != Article.Status.PUBLISHED:
        raise ApplicationError(_("Only edits of a published article wait for review."))
    if current.version != expected_version:
        raise ArticleConflict(current, expected_version)
    if minor_edit:
        _require_reviewer(
            editor,
            message=_(
                "Only a reviewer can publish a minor edit at once. Untick “Minor "
                "edit” to send your edit to review."
            ),
        )
    pending = (
        # Only the revision's row: PostgreSQL locks no row of a nullable join.
        ArticleRevision.objects.select_for_update(of=("self",))
        .filter(article=current, state=ArticleRevision.State.PENDING)
        .select_related("author")
        .first()
    )
    if (pending.pk if pending else None) != expected_edit:
        raise PendingEditConflict(pending)

    live = _live_fields(current)
    live_codes = sorted(current.problems.values_list("code", flat=True))
    base = edit_fields(pending) if pending else live
    proposed = {**base, **fields}
    codes = (
        sorted(p.code for p in problems) if problems is not None
        else (pending.problem_codes if pending else live_codes)
    )
    if pending is not None:
        pending.state = ArticleRevision.State.SUPERSEDED
        pending.save(update_fields=["state"])
    if proposed == live and codes == live_codes:
        log.info("article_edit_withdrawn id=%s", current.pk)
        return None

    # Validate now, so that the reviewer never meets an edit that cannot be
    # published. The copy is never saved.
    candidate = Article.objects.get(pk=current.pk)
    for key, value in proposed.items():
        setattr(candidate, key, value)
    candidate.full_clean()

    revision = ArticleRevision.objects.create(
        article=current,
        version=None,
        state=ArticleRevision.State.PENDING,
        base_version=current.version,
        title=proposed["title"],
        summary=proposed["summary"],
        body=proposed["body"],
        symptoms=proposed["symptoms"],
        problem_codes=codes,
        other_fields=_encode_other_fields(proposed),
        author=editor,
        note=(note or "edited")[:300],
    )
    if minor_edit:
        _edit_publish(current=current, revision=revision, reviewer=editor, minor=True)
        return revision
    if pending is None:
        from kb.articles import tasks

        revision_id = revision.pk
        transaction.on_commit(
            lambda: tasks.notify_edit_review_requested.delay(revision_id=revision_id)
        )
    log.info("article_edit_saved id=%s revision=%s by=%s", current.pk, revision.pk,
             getattr(editor, "pk", None))
    return revision


def _edit_publish(
    *, current: Article, revision: ArticleRevision, reviewer, minor: bool
) -> Article:
    if revision.base_version != current.version:
        raise ApplicationError(
            _(
                "Not published: the article changed to version %(current)s after "
                "this edit was written on version %(base)s. Open the article (the "
                "form holds the edit), check it against the new version and save it "
                "again; then it can be published."
            )
            % {"current": current.version, "base": revision.base_version},
            status_code=409,
        )
    fields = edit_fields(revision)
    problems = list(Problem.objects.filter(code__in=revision.problem_codes))
    current.reviewer = reviewer
    current.review_note = ""
    changed = _apply_content(
        current=current, fields=fields, problems=problems, minor_edit=minor
    )
    now = timezone.now()
    revision.reviewed_by = reviewer
    revision.reviewed_at = now
    if changed is None:
        # The published version already reads like the edit.
        revision.state = ArticleRevision.State.SUPERSEDED
        revision.save(update_fields=["state", "reviewed_by", "reviewed_at"])
        return current
    revision.state = ArticleRevision.State.SAVED
    revision.version = current.version
    if minor:
        revision.note = "minor edit"
    revision.save(update_fields=["state", "version", "reviewed_by", "reviewed_at", "note"])
    _on_commit_index(current)
    log.info("article_edit_published id=%s version=%s by=%s minor=%s", current.pk,
             current.version, reviewer.pk, minor)
    return current


@transaction.atomic
def article_edit_publish(*, article: Article, reviewer) -> Article:
    """A reviewer publishes the edit waiting for review: it becomes the next
    version, and readers and search see it once the transaction commits."""
    _require_reviewer(reviewer)
    current = Article.objects.select_for_update().get(pk=article.pk)
    pending = (
        ArticleRevision.objects.select_for_update()
        .filter(article=current, state=ArticleRevision.State.PENDING)
        .first()
    )
    if pending is None:
        raise ApplicationError(_("No edit of this article is waiting for review."))
    return _edit_publish(current=current, revision=pending, reviewer=reviewer, minor=False)


@transaction.atomic
def article_edit_return(*, article: Article, reviewer, note: str = "") -> ArticleRevision:
    """A reviewer sends the edit back to its author, who is e-mailed; the
    published version stays as it is."""
    _require_reviewer(reviewer)
    pending = (
        ArticleRevision.objects.select_for_update()
        .filter(article_id=article.pk, state=ArticleRevision.State.PENDING)
        .first()
    )
    if pending is None:
        raise ApplicationError(_("No edit of this article is waiting for review."))
    pending.state = ArticleRevision.State.RETURNED
    pending.reviewed_by = reviewer
    pending.reviewed_at = timezone.now()
    pending.review_note = note.strip()
    pending.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
    from kb.articles import tasks

    revision_id = pending.pk
    transaction.on_commit(lambda: tasks.notify_edit_returned.delay(revision_id=revision_id))
    log.info("article_edit_returned id=%s revision=%s by=%s", article.pk, pending.pk,
             reviewer.pk)
    return pending


def returned_edit_of(article: Article) -> ArticleRevision | None:
    """The edit a reviewer returned, while it is still the article's latest
    edit and the published version has not moved since it was written."""
    latest = (
        ArticleRevision.objects.filter(article=article)
        .exclude(state=ArticleRevision.State.SAVED)
        .select_related("reviewed_by")
        .order_by("-created_at", "-pk")
        .first()
    )
    if (
        latest is not None
        and latest.state == ArticleRevision.State.RETURNED
        and latest.base_version == article.version
    ):
        return latest
    return None


def _require(article: Article, allowed: set[str], action: str) -> None:
    if article.status not in allowed:
        raise ApplicationError(
            _("Cannot %(action)s an article that is %(status)s.")
            % {"action": action, "status": article.get_status_display().lower()}
        )


def _require_reviewer(user, message: str = "") -> None:
    if user is None or not user.has_perm("articles.review_article"):
        raise ApplicationError(message or _("Only a reviewer can do this."), status_code=403)


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
    from kb.articles import tasks

    article_id = article.pk
    transaction.on_commit(lambda: tasks.notify_article_returned.delay(article_id=article_id))
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


def article_recommend(*, article: Article) -> int:
    """Recommend the fix (both translations) on the home page, after the fixes
    already recommended; returns its position (unchanged if it already had one)."""
    with transaction.atomic():
        group = list(Article.objects.select_for_update()
                     .filter(translation_group=article.translation_group))
        placed = [a.home_position for a in group if a.home_position is not None]
        if placed:
            return min(placed)
        last = Article.objects.aggregate(last=Max("home_position"))["last"] or 0
        Article.objects.filter(pk__in=[a.pk for a in group]).update(home_position=last + 1)
    log.info("article_recommended group=%s position=%s", article.translation_group, last + 1)
    return last + 1


def article_unrecommend(*, article: Article) -> None:
    """The home page no longer recommends the fix, in either language."""
    Article.objects.filter(translation_group=article.translation_group).update(home_position=None)
    log.info("article_unrecommended group=%s", article.translation_group)


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


FEEDBACK_MISSING_SALT = "kb.articles.feedback-missing"
FEEDBACK_MISSING_MAX_AGE = 60 * 60


def feedback_missing_token(feedback: ArticleFeedback) -> str:
    """What lets the reader who said "No" add what was missing to that very
    answer, for an hour, and nobody else (feedback holds no account)."""
    return signing.dumps(feedback.pk, salt=FEEDBACK_MISSING_SALT)


def feedback_for_missing(*, article: Article, token: str) -> ArticleFeedback:
    """The "No" answer a token names, still waiting for what was missing."""
    try:
        feedback_id = signing.loads(token, salt=FEEDBACK_MISSING_SALT,
                                    max_age=FEEDBACK_MISSING_MAX_AGE)
    except signing.SignatureExpired:
        raise ApplicationError(_("This question has expired; answer “Did this help?” again."),
                               status_code=410) from None
    except signing.BadSignature:
        raise ApplicationError(_("This answer cannot be found."), status_code=404) from None
    feedback = ArticleFeedback.objects.filter(pk=feedback_id, article=article,
                                              helpful=False).first()
    if feedback is None:
        raise ApplicationError(_("This answer cannot be found."), status_code=404)
    if feedback.missing:
        raise ApplicationError(_("You have already told us what was missing. Thank you."),
                               status_code=409)
    return feedback


def feedback_add_missing(*, article: Article, token: str, missing: str) -> ArticleFeedback:
    """Store the reader's answer to "What was missing?" on their "No"."""
    feedback = feedback_for_missing(article=article, token=token)
    feedback.missing = missing.strip()
    feedback.full_clean()
    feedback.save(update_fields=["missing"])
    return feedback
