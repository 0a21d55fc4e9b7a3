"""The diagnose API answers in the reader's language (``lang`` or Accept-Language).

The API shape stays the one of DESIGN.md; the texts (finding summaries,
suggestion reasons, the escalation reason, notes) change language, evidence
lines and numbers do not, and each attachment names its tool as a person
would.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import SAMPLES
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")


def _post(payload, **extra):
    return APIClient().post(
        "/api/v1/diagnose", json.dumps(payload), content_type="application/json", **extra
    ).json()


def _payload(**answers):
    mtr = (SAMPLES / "linux-mtr-report-crossborder.txt").read_text()
    return {"role": "publisher", "region": "cn", **answers,
            "attachments": [{"name": "mtr.txt", "content": mtr}]}


def test_lang_field_gives_chinese_texts_with_the_same_evidence():
    en = _post(_payload(lang="en"))
    zh = _post(_payload(lang="zh-hans"))
    assert set(zh) == {"attachments", "findings", "suggestions", "escalate"}
    assert [f["kind"] for f in en["findings"]] == [f["kind"] for f in zh["findings"]]
    assert [f["evidence"] for f in en["findings"]] == [f["evidence"] for f in zh["findings"]]
    assert all(HAN.search(f["summary"]) for f in zh["findings"])
    assert not any(HAN.search(f["summary"]) for f in en["findings"])
    assert HAN.search(zh["suggestions"][0]["reason"]) and HAN.search(zh["escalate"]["reason"])
    assert (zh["escalate"]["recommended"], zh["escalate"]["priority"]) == (True, "P2")


def test_accept_language_gives_chinese_when_no_lang_is_sent():
    zh = _post(_payload(), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert HAN.search(zh["findings"][0]["summary"])


def test_attachments_name_their_tool_as_a_person_would():
    tracert = (SAMPLES / "windows-tracert-zh-line-down.txt").read_bytes()
    import base64

    data = _post({"lang": "en", "attachments": [
        {"name": "t.txt", "content_base64": base64.b64encode(tracert).decode()}]})
    assert data["attachments"][0]["detected"] == "tracert"
    assert data["attachments"][0]["tool"] == "Windows tracert"
