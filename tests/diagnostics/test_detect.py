from __future__ import annotations

import pytest
from conftest import SAMPLES, expected_for, sample_files

from kb.diagnostics import decode_paste, detect, parse, split_sections


@pytest.mark.parametrize("sample", sample_files(), ids=lambda p: p.name)
def test_every_real_sample_is_detected_with_its_platform(sample):
    expected = expected_for(sample)
    # A router's system is the platform to detection and the variant to the API.
    system = expected.get("variant") or expected["platform"]
    assert detect(decode_paste(sample.read_bytes())) == (expected["detected"], system)


def test_utf16le_with_bom_is_decoded(read_sample):
    raw = read_sample("windows-tracert-zh-utf16.txt")
    assert raw.startswith(b"\xff\xfe")
    text = decode_paste(raw)
    assert "通过最多 30 个跃点跟踪到" in text and "\r" not in text


def test_utf16le_without_bom_is_decoded(read_sample):
    raw = read_sample("windows-tracert-zh-utf16.txt")[2:]
    assert "请求超时" in decode_paste(raw)


def test_gbk_is_decoded(read_sample):
    assert "已发送 = 4，已接收 = 4" in decode_paste(read_sample("windows-ping-zh-gbk.txt"))


def test_control_characters_and_nuls_are_removed_but_tabs_kept():
    assert decode_paste("a\x00b\x07c\td\r\ne\rf") == "abc\td\ne\nf"


def test_unrecognised_text_is_unknown_with_an_explanation():
    parsed = parse("notes.txt", "my stream is broken, please help")
    assert parsed.detected == "unknown" and parsed.platform is None
    assert parsed.notes


def test_mixed_paste_is_split_into_its_sections():
    ping = (SAMPLES / "linux-ping-lossy.txt").read_text()
    mtr = (SAMPLES / "linux-mtr-report-lastmile.txt").read_text()
    text = "$ ping 203.0.113.10\n" + ping + "\n$ mtr --report 203.0.113.10\n" + mtr
    sections = split_sections(text)
    assert [s.kind for s in sections] == ["ping", "mtr"]
    parsed = parse("both.txt", text)
    assert parsed.detected == "ping"  # the longer part
    assert any("Several outputs" in n for n in parsed.notes)
    assert len(parsed.results) == 2


def test_pathping_is_not_mistaken_for_tracert(read_sample):
    assert detect(decode_paste(read_sample("windows-pathping-zh.txt")))[0] == "pathping"
