"""The launch content: a standardized fix for every problem code, in both languages."""

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings

from kb.articles.fixture_files import (
    SECTIONS,
    articles_load_fixtures,
    find_article_files,
    parse_article_file,
)
from kb.articles.markdown import raw_html_fragments, render_markdown
from kb.articles.models import Article
from kb.problems.models import Problem
from kb.problems.services import problems_load_fixture

ROOT = Path(settings.KB_FIXTURES_DIR) / "articles"
FILES = find_article_files(ROOT)
ITEMS = [parse_article_file(path) for path in FILES]
IDS = [f"{item.slug}.{item.language}" for item in ITEMS]


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """All fixture articles loaded as bootstrap loads them, once for the module."""
    with django_db_blocker.unblock():
        problems_load_fixture(path=Path(settings.KB_FIXTURES_DIR) / "problems.json")
        articles_load_fixtures(root=ROOT)
        yield
        Article.objects.all().delete()
        Problem.objects.all().delete()


def test_there_are_at_least_seventy_articles():
    assert len(ITEMS) >= 70


@pytest.mark.parametrize("item", ITEMS, ids=IDS)
def test_article_has_the_five_sections_in_order(item):
    headings = re.findall(r"^## (.+?)\s*$", item.body, flags=re.MULTILINE)
    assert headings == SECTIONS[item.language]


@pytest.mark.parametrize("item", ITEMS, ids=IDS)
def test_every_section_has_content(item):
    parts = re.split(r"^## .+$", item.body, flags=re.MULTILINE)[1:]
    assert all(len(part.strip()) > 80 for part in parts)


@pytest.mark.parametrize("item", ITEMS, ids=IDS)
def test_article_names_symptoms_and_a_summary(item):
    assert item.symptoms, "symptoms list is empty"
    assert item.summary and item.title
    assert item.problem_codes


@pytest.mark.parametrize("item", ITEMS, ids=IDS)
def test_markdown_has_no_raw_html(item):
    assert raw_html_fragments(item.body) == []


@pytest.mark.parametrize("item", ITEMS, ids=IDS)
def test_code_blocks_name_their_language(item):
    fences = re.findall(r"^\s*```(\S*)", item.body, flags=re.MULTILINE)
    openings = fences[::2]
    assert all(openings), "a fenced code block has no language"


def test_internal_links_point_at_existing_articles_of_the_same_language():
    known = {(item.language, item.slug) for item in ITEMS}
    broken = [
        (item.path.name, slug)
        for item in ITEMS
        for slug in render_markdown(item.body, language=item.language).internal_links
        if (item.language, slug) not in known
    ]
    assert broken == []


def test_every_article_has_its_translation():
    languages = defaultdict(set)
    for item in ITEMS:
        languages[item.slug].add(item.language)
    assert {slug for slug, langs in languages.items() if langs != {"en", "zh-hans"}} == set()


def test_translations_share_area_and_problem_codes():
    by_slug = defaultdict(dict)
    for item in ITEMS:
        by_slug[item.slug][item.language] = item
    mismatched = [
        slug for slug, pair in by_slug.items()
        if (pair["en"].area, sorted(pair["en"].problem_codes))
        != (pair["zh-hans"].area, sorted(pair["zh-hans"].problem_codes))
    ]
    assert mismatched == []


def test_chinese_articles_use_chinese_engineering_terms():
    chinese = " ".join(item.body for item in ITEMS if item.language == "zh-hans")
    for term in ("推流", "拉流", "码率", "关键帧间隔", "丢包", "抖动", "专线", "回源", "防盗链"):
        assert term in chinese, term


@pytest.mark.django_db
def test_every_problem_code_has_a_published_article_in_both_languages(loaded):
    missing = []
    for problem in Problem.objects.all():
        languages = set(
            problem.articles.filter(status=Article.Status.PUBLISHED).values_list(
                "language", flat=True
            )
        )
        if languages != {"en", "zh-hans"}:
            missing.append((problem.code, sorted(languages)))
    codes = json.loads((Path(settings.KB_FIXTURES_DIR) / "problems.json").read_text())
    assert Problem.objects.count() == len(codes) >= 41
    assert missing == []


@pytest.mark.django_db
def test_published_articles_link_to_their_translation(loaded, client):
    checked = 0
    for article in Article.objects.filter(language="en"):
        other = Article.objects.get(translation_group=article.translation_group,
                                    language="zh-hans")
        html = client.get(article.get_absolute_url()).content.decode()
        back = client.get(other.get_absolute_url()).content.decode()
        assert f'href="{other.get_absolute_url()}"' in html
        assert f'href="{article.get_absolute_url()}"' in back
        checked += 1
    assert checked >= 35


@pytest.mark.django_db
def test_each_area_page_lists_its_articles(loaded, client):
    for area in ("push", "network", "encoder", "playback", "operations"):
        response = client.get(f"/areas/{area}/")
        listed = {a.pk for a in response.context["articles"]}
        expected = set(
            Article.objects.filter(area=area, status=Article.Status.PUBLISHED).values_list(
                "pk", flat=True
            )
        )
        assert listed == expected and expected


# ---------------------------------------------------------------- quoted strings and sources

# The second content round adds these; their writer adds their sources.
NEW_ARTICLE_SLUGS = {
    "restream-relay-failures", "cross-border-interference", "browser-playback-blocked",
    "mobile-playback-compat", "poor-picture-quality", "backup-stream-failover",
}
# %1, %2... are filled in by OBS (Qt) before the customer sees a message; %20 or %2F in a
# URL and %{...} in a drawtext expression are not placeholders.
UI_PLACEHOLDER = re.compile(r"(?<![%\w])%[1-9](?![0-9A-Za-z])")
SOURCE_ENTRY = re.compile(r"^(https?://\S+|[\w.-]+/[\w.-]+ \S+)$")


def _front_matter(item) -> dict:
    import yaml

    text = item.path.read_text(encoding="utf-8")
    return yaml.safe_load(text[4 : text.find("\n---\n", 4)]) or {}


@pytest.mark.parametrize("item", ITEMS, ids=IDS)
def test_no_article_quotes_an_unfilled_placeholder(item):
    text = item.path.read_text(encoding="utf-8")
    assert UI_PLACEHOLDER.findall(text) == [], "quote the message as the customer sees it"


CHECKED = [item for item in ITEMS if item.slug not in NEW_ARTICLE_SLUGS]


@pytest.mark.parametrize("item", CHECKED, ids=[f"{i.slug}.{i.language}" for i in CHECKED])
def test_article_lists_the_sources_of_what_it_quotes(item):
    """Commands and strings that cannot be run here are backed by a source file or page."""
    sources = _front_matter(item).get("sources")
    assert isinstance(sources, list) and sources, "front matter needs a non-empty sources list"
    bad = [entry for entry in sources if not SOURCE_ENTRY.match(str(entry))]
    assert bad == [], "a source is a URL or 'owner/repo path/in/repo'"


def test_the_console_reference_defines_every_console_path_the_articles_use():
    reference = {
        item.language: " ".join(item.body.split())
        for item in ITEMS
        if item.slug == "console-reference"
    }
    assert set(reference) == {"en", "zh-hans"}
    for item in CHECKED:
        if item.slug == "console-reference":
            continue
        paths = re.findall(r"\*\*((?:Streams|Domains|Logs) -> [^*]+)\*\*", item.body)
        paths += re.findall(r"\*\*((?:流管理|域名管理|日志) -> [^*]+)\*\*", item.body)
        for path in paths:
            path = " ".join(path.split())
            assert path in reference[item.language], (item.path.name, path)
        if paths:
            assert "(kb:console-reference)" in item.body, item.path.name
