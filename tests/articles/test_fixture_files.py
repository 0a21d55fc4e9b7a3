from pathlib import Path

import pytest

from kb.articles.fixture_files import FixtureError, articles_load_fixtures, parse_article_file
from kb.articles.models import Article

pytestmark = pytest.mark.django_db

GOOD = """---
slug: demo-fix
lang: {lang}
title: "{title}"
summary: "Short summary."
problems: [push.connect-refused]
area: push
roles: [publisher]
protocols: [rtmp]
encoders: [obs]
symptoms:
  - "Failed to connect to server"
tags: [firewall]
last_verified: 2026-11-20
---
## Symptoms

Text.
"""


def write(root: Path, lang: str = "en", title: str = "Demo fix", extra: str = "") -> Path:
    path = root / "push" / f"demo-fix.{lang}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = GOOD.format(lang=lang, title=title)
    path.write_text(text.replace("last_verified:", extra + "last_verified:"), encoding="utf-8")
    return path


class TestArticlesLoadFixtures:
    def test_files_become_published_linked_articles(self, problems, tmp_path):
        write(tmp_path, "en")
        write(tmp_path, "zh-hans", "演示")
        report = articles_load_fixtures(root=tmp_path)
        assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
        en = Article.objects.get(language="en", slug="demo-fix")
        zh = Article.objects.get(language="zh-hans", slug="demo-fix")
        assert en.status == zh.status == Article.Status.PUBLISHED
        assert en.translation_group == zh.translation_group
        assert en.symptom_list == ["Failed to connect to server"]
        assert [p.code for p in en.problems.all()] == ["push.connect-refused"]

    def test_loading_again_changes_nothing(self, problems, tmp_path):
        write(tmp_path)
        articles_load_fixtures(root=tmp_path)
        report = articles_load_fixtures(root=tmp_path)
        assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
        assert Article.objects.get().version == 1

    def test_a_changed_file_becomes_a_new_version(self, problems, tmp_path):
        write(tmp_path)
        articles_load_fixtures(root=tmp_path)
        write(tmp_path, title="Demo fix, revised")
        report = articles_load_fixtures(root=tmp_path)
        article = Article.objects.get()
        assert report.updated == 1
        assert article.version == 2
        assert article.title == "Demo fix, revised"
        assert article.revisions.count() == 2

    def test_unknown_problem_code_is_refused_with_the_file_name(self, problems, tmp_path):
        path = write(tmp_path)
        path.write_text(path.read_text().replace("push.connect-refused", "push.nope"))
        with pytest.raises(FixtureError, match="demo-fix.en.md.*push.nope"):
            articles_load_fixtures(root=tmp_path)
        assert not Article.objects.exists()


class TestHomePosition:
    def test_a_new_article_takes_the_files_home_position(self, problems, tmp_path):
        write(tmp_path, "en", extra="home_position: 3\n")
        articles_load_fixtures(root=tmp_path)
        assert Article.objects.get().home_position == 3

    def test_a_reload_keeps_what_the_curators_chose(self, problems, tmp_path):
        write(tmp_path, "en", extra="home_position: 3\n")
        articles_load_fixtures(root=tmp_path)
        Article.objects.update(home_position=None)
        write(tmp_path, "en", title="Demo fix, revised", extra="home_position: 3\n")
        assert articles_load_fixtures(root=tmp_path).updated == 1
        assert Article.objects.get().home_position is None

    @pytest.mark.parametrize("value", ["0", "first", "1.5", "100", "true"])
    def test_a_home_position_that_is_no_place_is_refused(self, tmp_path, value):
        path = write(tmp_path, "en", extra=f"home_position: {value}\n")
        with pytest.raises(FixtureError, match="home_position must be a whole number"):
            parse_article_file(path)


class TestParseArticleFile:
    @pytest.mark.parametrize(
        "broken, message",
        [
            ("no front matter at all", "front-matter"),
            ("---\nslug: [unclosed\n---\n", "not valid YAML|lacks"),
            ("---\nslug: demo-fix\n---\nbody", "lacks"),
        ],
    )
    def test_malformed_files_are_refused_clearly(self, tmp_path, broken, message):
        path = tmp_path / "demo-fix.en.md"
        path.write_text(broken)
        with pytest.raises(FixtureError, match=message):
            parse_article_file(path)

    def test_file_name_must_match_slug_and_language(self, tmp_path):
        path = tmp_path / "other.en.md"
        path.write_text(GOOD.format(lang="en", title="x"))
        with pytest.raises(FixtureError, match="must be demo-fix.en.md"):
            parse_article_file(path)
