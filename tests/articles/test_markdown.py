import pytest

from kb.articles.markdown import internal_link_slugs, render_markdown

pytestmark = pytest.mark.django_db


class TestRenderMarkdownSanitizes:
    @pytest.mark.parametrize(
        "hostile, forbidden",
        [
            ("<script>alert('x')</script>", "<script"),
            ("<script>alert('x')</script>", "alert("),
            ('<img src="x" onerror="alert(1)">', "onerror"),
            ("[click](javascript:alert(1))", "javascript:"),
            ("[data](data:text/html;base64,PHNjcmlwdD4=)", "data:text"),
            ('<iframe src="https://evil.example.com"></iframe>', "<iframe"),
            ('<svg onload="alert(1)"></svg>', "onload"),
            ('<p style="position:fixed">x</p>', "style="),
            ('<a href="https://example.com" onclick="steal()">x</a>', "onclick"),
        ],
    )
    def test_hostile_markup_never_reaches_the_page(self, hostile, forbidden):
        html = render_markdown(f"Intro\n\n{hostile}\n\nOutro").html
        assert forbidden not in html
        assert "Outro" in html

    def test_external_links_open_safely(self):
        html = render_markdown("[docs](https://obsproject.com/kb)").html
        assert 'href="https://obsproject.com/kb"' in html
        assert 'rel="noopener noreferrer nofollow"' in html


class TestRenderMarkdownFeatures:
    def test_tables_fenced_code_and_heading_ids_render(self):
        text = (
            "## How to confirm\n\n| tool | output |\n|:--|--:|\n| ping | 0% loss |\n\n"
            "```bash\nmtr -rwc 100 push.example.com\n```\n"
        )
        html = render_markdown(text).html
        assert '<h2 id="how-to-confirm">' in html
        assert "<table>" in html and 'align="right"' in html
        assert '<code class="language-bash">mtr -rwc 100 push.example.com' in html

    def test_chinese_headings_get_ids(self):
        html = render_markdown("## 如何确认\n\n文本").html
        assert '<h2 id="如何确认">' in html

    def test_code_blocks_show_html_as_text(self):
        html = render_markdown("```text\n<b>not bold</b>\n```").html
        assert "&lt;b&gt;not bold&lt;/b&gt;" in html

    def test_internal_links_point_at_the_same_language(self):
        rendered = render_markdown("See [MTU](kb:mtu-mss-fragmentation).", language="zh-hans")
        assert 'href="/kb/zh-hans/mtu-mss-fragmentation/"' in rendered.html
        assert rendered.internal_links == ["mtu-mss-fragmentation"]
        assert internal_link_slugs("[a](kb:one) and [b](kb:two-x)") == ["one", "two-x"]
