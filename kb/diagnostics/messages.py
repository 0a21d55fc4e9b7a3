"""Texts of the diagnosis as message codes with parameters, in two languages.

kb.diagnostics stays pure Python (no Django, no gettext): findings, reasons,
escalation reasons and notes carry a :class:`Message` (a code and its
parameters) and the callers render it in the reader's language.  The
catalogue lives in :mod:`.catalogue`.  Parameters are numbers, addresses,
verbatim evidence lines or other messages; they are never translated, only
the words around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_SPEC = re.compile(r"\{(\w+)(?:![rsa])?:[^{}]*\}")

LANGUAGES = ("en", "zh-hans")


def normalise_lang(lang: str | None) -> str:
    """``zh``, ``zh-hans``, ``zh-CN``, ``zh_Hans`` -> ``zh-hans``; anything else -> ``en``."""
    if lang == "en" or lang == "zh-hans":
        return lang
    if lang and lang.lower().replace("_", "-").startswith("zh"):
        return "zh-hans"
    return "en"


@dataclass(frozen=True)
class Message:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str = "en") -> str:
        lang = normalise_lang(lang)
        texts = _catalogue().get(self.code)
        if texts is None:
            return self.code
        template = texts[1] if lang == "zh-hans" else texts[0]
        params = {
            k: (v.render(lang) if isinstance(v, Message) else v) for k, v in self.params.items()
        }
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError, TypeError, AttributeError):
            # A missing or None parameter must not break a diagnosis: show
            # it plainly rather than raise.
            plain = _SPEC.sub(r"{\1}", template)
            safe = {k: ("?" if v is None else v) for k, v in params.items()}
            return plain.format_map(_Safe(safe))

    def __hash__(self) -> int:  # params hold lists sometimes
        return hash((self.code, repr(sorted(self.params.items(), key=lambda kv: kv[0]))))


_CATALOGUE: dict[str, tuple[str, str]] = {}


def _catalogue() -> dict[str, tuple[str, str]]:
    # catalogue imports this module: fetch it on first use.
    if not _CATALOGUE:
        from .catalogue import CATALOGUE

        _CATALOGUE.update(CATALOGUE)
    return _CATALOGUE


class _Safe(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def msg(code: str, **params: Any) -> Message:
    return Message(code, params)
