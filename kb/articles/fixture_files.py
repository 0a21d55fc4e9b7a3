"""Articles kept as Markdown files with YAML front matter under fixtures/.

``parse_article_file`` reads and validates one file; ``articles_load_fixtures``
turns a folder of them into published articles, idempotently: an unchanged
file (same digest as at its last load) is left alone, a changed one becomes a
new version with a revision. A file's ``home_position`` (where the home page
recommends the fix until use ranks the fixes) is set when the article is
created; after that the curators own it (admin actions), as it is no content.
"""

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from kb.articles import services
from kb.articles.models import Article, Encoder
from kb.core.choices import Language, Protocol, Role
from kb.problems.models import Area, Problem

log = logging.getLogger(__name__)

SECTIONS = {
    Language.EN: ["Symptoms", "How to confirm", "Fix", "Verify the fix", "When to escalate"],
    Language.ZH_HANS: ["现象", "如何确认", "解决步骤", "验证修复", "何时升级"],
}
REQUIRED_KEYS = {"slug", "lang", "title", "summary", "problems", "area", "symptoms"}


class FixtureError(ValueError):
    pass


@dataclass
class ArticleFile:
    path: Path
    slug: str
    language: str
    title: str
    summary: str
    body: str
    area: str
    problem_codes: list[str]
    symptoms: list[str]
    tags: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    protocols: list[str] = field(default_factory=list)
    encoders: list[str] = field(default_factory=list)
    last_verified: dt.date | None = None
    home_position: int | None = None
    digest: str = ""


def _split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        raise FixtureError(f"{path}: must start with a '---' front-matter line")
    end = text.find("\n---\n", 4)
    if end < 0:
        raise FixtureError(f"{path}: front matter is not closed with '---'")
    try:
        meta = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError as exc:
        raise FixtureError(f"{path}: front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise FixtureError(f"{path}: front matter must be a mapping")
    return meta, text[end + 5 :].lstrip("\n")


def _list(meta: dict, key: str, allowed: set[str] | None, path: Path) -> list[str]:
    value = meta.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise FixtureError(f"{path}: {key} must be a list")
    items = [str(item).strip() for item in value if str(item).strip()]
    if allowed is not None:
        bad = [item for item in items if item not in allowed]
        if bad:
            raise FixtureError(f"{path}: unknown {key} {bad}; allowed: {sorted(allowed)}")
    return items


def parse_article_file(path: Path) -> ArticleFile:
    raw = path.read_bytes()
    meta, body = _split_front_matter(raw.decode("utf-8"), path)
    missing = REQUIRED_KEYS - meta.keys()
    if missing:
        raise FixtureError(f"{path}: front matter lacks {sorted(missing)}")
    language = str(meta["lang"])
    if language not in Language.values:
        raise FixtureError(f"{path}: lang must be one of {Language.values}")
    if str(meta["area"]) not in Area.values:
        raise FixtureError(f"{path}: area must be one of {Area.values}")
    expected_name = f"{meta['slug']}.{language}.md"
    if path.name != expected_name:
        raise FixtureError(f"{path}: file name must be {expected_name}")
    verified = meta.get("last_verified")
    if verified is not None and not isinstance(verified, dt.date):
        raise FixtureError(f"{path}: last_verified must be a date like 2026-11-20")
    position = meta.get("home_position")
    if position is not None and (type(position) is not int or not 1 <= position <= 99):
        raise FixtureError(f"{path}: home_position must be a whole number from 1 to 99")
    return ArticleFile(
        path=path,
        slug=str(meta["slug"]),
        language=language,
        title=str(meta["title"]).strip(),
        summary=str(meta["summary"]).strip(),
        body=body,
        area=str(meta["area"]),
        problem_codes=_list(meta, "problems", None, path),
        symptoms=_list(meta, "symptoms", None, path),
        tags=_list(meta, "tags", None, path),
        roles=_list(meta, "roles", set(Role.values), path),
        protocols=_list(meta, "protocols", set(Protocol.values), path),
        encoders=_list(meta, "encoders", set(Encoder.values), path),
        last_verified=verified,
        home_position=position,
        digest=hashlib.sha256(raw).hexdigest(),
    )


def find_article_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.md") if p.name.count(".") == 2)


def _fields(item: ArticleFile) -> dict:
    return {
        "title": item.title,
        "summary": item.summary,
        "body": item.body,
        "symptoms": "\n".join(item.symptoms),
        "tags": ", ".join(item.tags),
        "area": item.area,
        "roles": item.roles,
        "protocols": item.protocols,
        "encoders": item.encoders,
        "last_verified": item.last_verified,
    }


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def articles_load_fixtures(*, root: Path, progress=None) -> LoadReport:
    """Load every article file under ``root``; see the module docstring."""
    items = [parse_article_file(path) for path in find_article_files(root)]
    problems = {p.code: p for p in Problem.objects.all()}
    for item in items:
        unknown = [code for code in item.problem_codes if code not in problems]
        if unknown:
            raise FixtureError(f"{item.path}: unknown problem codes {unknown}")
    report = LoadReport()
    for item in items:
        with transaction.atomic():
            _load_one(item, problems, report)
        if progress is not None:
            progress(item)
    return report


def _load_one(item: ArticleFile, problems: dict, report: LoadReport) -> None:
    article_problems = [problems[code] for code in item.problem_codes]
    existing = Article.objects.filter(language=item.language, slug=item.slug).first()
    if existing is None:
        article = services.article_create(
            author=None,
            slug=item.slug,
            language=item.language,
            problems=article_problems,
            status=Article.Status.PUBLISHED,
            note=f"loaded from {item.path.name}",
            **_fields(item),
        )
        Article.objects.filter(pk=article.pk).update(source_digest=item.digest,
                                                     home_position=item.home_position)
        report.created += 1
        return
    if existing.source_digest == item.digest:
        report.unchanged += 1
        return
    fields = _fields(item)
    services.article_update(
        article=existing,
        editor=None,
        expected_version=existing.version,
        problems=article_problems,
        # Both languages are edited together in the files: keep them in line.
        minor_edit=True,
        note=f"reloaded from {item.path.name}",
        **fields,
    )
    Article.objects.filter(pk=existing.pk).update(source_digest=item.digest)
    report.updated += 1
