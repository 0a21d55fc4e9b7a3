"""The standard sections of an article body, and the short "do this" of its fix.

Every article has five level-2 sections with fixed headings per language
(fixtures/articles/README.md). The wizard shows the fix section's steps
first and folds the whole article below them: a customer reads what to do,
not a page of background, before "Did this fix it?".
"""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext as _

from kb.articles.markdown import render_markdown
from kb.core.cache import cached

FIX_HEADINGS = {"en": "Fix", "zh-hans": "解决步骤"}
_HEADING = re.compile(r"^(#{2,3})\s+(.*?)\s*#*\s*$")
_NUMBERED_HEADING = re.compile(r"^(?:\d+[.)、]|第.+步[:：]?)\s*")
_ITEM = re.compile(r"^(\d+)[.)]\s+(.*)$")
_BOLD_LEAD = re.compile(r"^\*\*(.+?)\*\*")
_FENCE = re.compile(r"^(```|~~~)")


def section_markdown(body: str, heading: str) -> str:
    """The Markdown of the level-2 section called ``heading`` (without it)."""
    lines, inside, fenced = [], False, False
    for line in body.splitlines():
        if _FENCE.match(line.strip()):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        if match and len(match.group(1)) == 2:
            if inside:
                break
            inside = match.group(2) == heading
            continue
        if inside:
            lines.append(line)
    return "\n".join(lines).strip()


def _split_subsections(text: str) -> tuple[str, list[str]]:
    """The text before the first level-3 heading, and the level-3 headings."""
    intro, headings, fenced = [], [], False
    for line in text.splitlines():
        if _FENCE.match(line.strip()):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        if match and len(match.group(1)) == 3:
            headings.append(match.group(2))
            continue
        if not headings:
            intro.append(line)
    return "\n".join(intro).strip(), headings


def _list_items(text: str) -> tuple[list[str], list[str], bool]:
    """(paragraphs before the first ordered list, its items, whether a list was found)."""
    before, items, in_list = [], [], False
    for line in text.splitlines():
        item = _ITEM.match(line)
        if item:
            in_list = True
            items.append(item.group(2).strip())
        elif in_list and line.startswith((" ", "\t")) and line.strip():
            items[-1] += " " + line.strip()
        elif in_list and not line.strip():
            continue
        elif in_list:
            break
        else:
            before.append(line)
    return [p for p in "\n".join(before).split("\n\n") if p.strip()], items, in_list


def _condensed(item: str) -> str:
    """An item's bold lead ("**Use a cable.** Connect ...": "Use a cable."), else
    the item itself."""
    lead = _BOLD_LEAD.match(item)
    return lead.group(1).strip() if lead else item


# Level-3 headings of a fix section that hold one tool's steps, not a step.
TOOL_HEADINGS = ("obs", "vmix", "ffmpeg", "linux 上的 ffmpeg", "hardware encoder", "硬件编码器",
                 "hls.js", "flv.js", "native player", "原生播放器")


def _is_tool(heading: str) -> bool:
    return heading.lower().startswith(TOOL_HEADINGS)


def _prose(paragraphs: list[str], limit: int) -> list[str]:
    """Opening paragraphs that read as sentences (no table, list or code)."""
    return [p.strip() for p in paragraphs
            if not p.lstrip().startswith(("```", "|", "- ", "* ", "    "))][:limit]


def fix_summary_markdown(body: str, language: str) -> str:
    """What to do, in a few lines: the steps of the fix section.

    Numbered level-3 headings ("### 1. Do not cross the border...") are the
    steps; else the first numbered list before any level-3 heading, each
    item cut to its bold lead; else the level-3 headings that are not a
    tool's ("Check the server address first"); with the section's opening
    sentence, and the tools the full fix has steps for.
    """
    section = section_markdown(body, FIX_HEADINGS.get(language, "Fix"))
    if not section:
        return ""
    intro, headings = _split_subsections(section)
    paragraphs, items, found = _list_items(intro)
    tools = [h for h in headings if _is_tool(h)]
    numbered = [h for h in headings if _NUMBERED_HEADING.match(h)]
    if numbered and len(numbered) == len(headings):
        steps = [_NUMBERED_HEADING.sub("", h) for h in numbered]
    elif found and items:
        steps = [_condensed(item) for item in items]
    else:
        steps = [_NUMBERED_HEADING.sub("", h) for h in headings if not _is_tool(h)]
    parts = _prose(paragraphs, 1 if steps else 2)
    if steps:
        parts.append("\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1)))
    if tools:
        with translation.override(language):
            parts.append(_("The full fix below has the steps for %(tools)s.") % {
                "tools": _list_text(tools, language)})
    return "\n\n".join(parts)


def _list_text(names: list[str], language: str) -> str:
    if language.startswith("zh"):
        return "、".join(names)
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " " + _("and") + " " + names[-1]


def fix_summary_html(article) -> str:
    """:func:`fix_summary_markdown` rendered and sanitized, cached per version."""
    def make() -> str:
        text = fix_summary_markdown(article.body, article.language)
        return render_markdown(text, language=article.language).html if text else ""

    return cached(f"article-fix-summary:{article.pk}:{article.version}:1", make, 60 * 60 * 24)
