"""The Chinese interface: locale/zh_Hans/LC_MESSAGES/django.po is the source."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = polib.pofile(str(LOCALE / "django.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def _translations(entry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_every_string_is_translated_and_none_is_a_fuzzy_guess():
    missing = [e.msgid for e in PO if not all(_translations(e))]
    fuzzy = [e.msgid for e in PO if "fuzzy" in e.flags]
    assert (missing, fuzzy) == ([], [])
    assert len(PO) > 600


@pytest.mark.parametrize("entry", [e for e in PO if "python-format" in e.flags or
                                   "python-brace-format" in e.flags],
                         ids=lambda e: e.msgid[:40])
def test_a_translation_keeps_every_placeholder(entry):
    wanted = set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
    for text in _translations(entry):
        assert set(PLACEHOLDER.findall(text)) == wanted, text


def test_the_compiled_catalogue_is_the_po_file_compiled():
    compiled = {(e.msgctxt, e.msgid): _translations(e)
                for e in polib.mofile(str(LOCALE / "django.mo")) if e.msgid}
    source = {(e.msgctxt, e.msgid): _translations(e) for e in PO if not e.obsolete}
    assert compiled == source, "run make messages (compilemessages) after editing the .po"
