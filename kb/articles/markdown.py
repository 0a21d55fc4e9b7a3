"""Markdown to safe HTML.

Articles and any other user-written Markdown go through ``render_markdown``:
Python-Markdown renders (tables, fenced code, a table of contents) and nh3
removes everything not on the allow-list, so a ``<script>``, an ``onerror=``
or a ``javascript:`` link never reaches a browser. Links written as
``kb:other-slug`` point at another article in the same language.
"""

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
import nh3
from django.urls import reverse
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from kb.core.cache import cached

INTERNAL_SCHEME = "kb:"
_INTERNAL_LINK = re.compile(r"\]\(kb:([a-z0-9-]+)\)")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "code": {"class"},
    "div": {"class"},
    "td": {"align"},
    "th": {"align"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
}


@dataclass
class Rendered:
    html: str
    internal_links: list[str] = field(default_factory=list)


def article_url(language: str, slug: str) -> str:
    return reverse("articles:detail", kwargs={"language": language, "slug": slug})


class _InternalLinks(Treeprocessor):
    def __init__(self, md, language: str, found: list[str]):
        super().__init__(md)
        self.language = language
        self.found = found

    def run(self, root: etree.Element) -> None:
        for link in root.iter("a"):
            href = link.get("href", "")
            if href.startswith(INTERNAL_SCHEME):
                slug = href[len(INTERNAL_SCHEME) :].strip("/")
                self.found.append(slug)
                link.set("href", article_url(self.language, slug))


class _InternalLinkExtension(Extension):
    def __init__(self, language: str, found: list[str]):
        super().__init__()
        self.language = language
        self.found = found

    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API name
        md.treeprocessors.register(_InternalLinks(md, self.language, self.found), "kb_links", 1)


def render_markdown(text: str, *, language: str = "en") -> Rendered:
    """Render Markdown to sanitized HTML and list the internal links it holds."""
    found: list[str] = []
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "toc", "sane_lists",
                    _InternalLinkExtension(language, found)],
        extension_configs={
            "tables": {"use_align_attribute": True},
            "toc": {"slugify": slugify_unicode, "toc_depth": "2-3"},
        },
        output_format="html",
    )
    html = md.convert(text)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Rendered(html=clean, internal_links=found)


def internal_link_slugs(text: str) -> list[str]:
    """Slugs that ``text`` links to with ``kb:``, in order, without rendering."""
    return _INTERNAL_LINK.findall(text)


def render_article_html(article) -> str:
    """The article body as safe HTML, cached per article version."""
    return cached(f"article-html:{article.pk}:{article.version}",
                  lambda: render_markdown(article.body, language=article.language).html,
                  60 * 60 * 24)


def raw_html_fragments(text: str) -> list[str]:
    """Raw HTML written in Markdown outside code (sanitizing would drop it)."""
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
    md.convert(text)
    # fenced_code keeps its rendered blocks in the same stash as raw HTML.
    return [
        str(fragment)
        for fragment in md.htmlStash.rawHtmlBlocks
        if not str(fragment).startswith("<pre><code")
    ]
