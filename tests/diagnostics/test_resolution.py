from __future__ import annotations

import pytest
from conftest import SAMPLES
from hypothesis import given
from hypothesis import strategies as st

from kb.diagnostics import Answers, Attachment, detect, diagnose, parse
from kb.diagnostics.resolution import unresolved_name

# Each tool's own words when the name does not resolve (kb.diagnostics.resolution).
TEMPLATES = [
    ("ping: {name}: Name or service not known", ("ping", "linux")),
    ("ping: {name}: Temporary failure in name resolution", ("ping", "linux")),
    ("ping: {name}: 未知的名称或服务", ("ping", "linux")),
    ("ping: unknown host {name}", ("ping", "linux")),
    ("ping: bad address '{name}'", ("ping", "linux")),
    ("ping: cannot resolve {name}: Unknown host", ("ping", "macos")),
    ("Ping request could not find host {name}. Please check the name and try again.",
     ("ping", "windows")),
    ("Ping 请求找不到主机 {name}。请检查该名称，然后重试。", ("ping", "windows")),
    ("Unable to resolve target system name {name}.", ("tracert", "windows")),
    ("无法解析目标系统名称 {name}。", ("tracert", "windows")),
    ("{name}: Name or service not known\n"
     "Cannot handle \"host\" cmdline arg `{name}' on position 1 (argc 1)", ("traceroute", "linux")),
    ("traceroute: unknown host {name}", ("traceroute", "macos")),
    ("mtr: Failed to resolve host: {name}: Name or service not known", ("mtr", None)),
    ("Test-Connection : Testing connection to computer '{name}' failed: No such host is known",
     ("ping", "powershell")),
]


@pytest.mark.parametrize("template, tool", TEMPLATES, ids=[t[0][:30] for t in TEMPLATES])
def test_every_tool_saying_the_name_did_not_resolve_is_a_dns_finding(template, tool):
    text = template.format(name="push.example.com") + "\n"
    assert detect(text) == tool
    answer = diagnose(answers=Answers(role="publisher"), attachments=[Attachment("a.txt", text)])
    dns = [f for f in answer.findings if f.kind == "error-dns_failure"]
    assert [f.facts["name"] for f in dns] == ["push.example.com"]
    assert answer.suggestions[0].problem == "push.dns-resolution"
    # The customer's DNS: the fix comes first, no ticket.
    assert answer.escalate.recommended is False


@pytest.mark.parametrize("name", [
    "linux-ping-name-unresolved.txt", "linux-ping-zh-name-unresolved.txt",
    "windows-ping-name-unresolved.txt", "mtr-name-unresolved.txt",
])
def test_a_paste_of_only_the_failure_is_read_not_refused(name):
    parsed = parse(name, (SAMPLES / name).read_bytes())
    assert parsed.detected != "unknown" and not parsed.notes
    assert parsed.results[0].unresolved is not None


def test_an_address_that_works_and_a_name_that_does_not_are_both_read():
    name = "linux-traceroute-ip-works-name-unresolved.txt"
    parsed = parse(name, (SAMPLES / name).read_bytes())
    # One paste, one trace: the name's failure follows its last row.
    trace = parsed.results[0]
    assert [h.host for h in trace.hops] == ["192.168.89.1", "192.168.10.1", "12.207.75.55"]
    assert trace.unresolved == (
        "google.com", "Cannot handle \"host\" cmdline arg `google.com' on position 1 (argc 1)")


def test_the_finding_speaks_the_readers_language():
    text = (SAMPLES / "windows-ping-zh-name-unresolved-ipv6.txt").read_text(encoding="utf-8")
    answer = diagnose(attachments=[Attachment("p.txt", text)]).to_dict("zh-hans")
    summary = next(f["summary"] for f in answer["findings"] if f["kind"] == "error-dns_failure")
    assert summary.startswith("raspberrypi.local 无法解析成 IP 地址")
    assert "nslookup raspberrypi.local" in summary


def test_an_ffmpeg_name_failure_stays_ffmpegs():
    text = ("ffmpeg version 6.0 Copyright (c) 2000-2023 the FFmpeg developers\n"
            "[tcp @ 0x55d0c8e0] Failed to resolve hostname push.example.com: "
            "Name or service not known\n")
    assert detect(text) == ("ffmpeg", None)
    assert unresolved_name(text) is None


_NAMES = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z0-9]{1,10}){1,3}",
                       fullmatch=True)


@given(_NAMES, st.sampled_from([t for t, _ in TEMPLATES]))
def test_the_name_is_read_back_as_the_tool_printed_it(name, template):
    text = template.format(name=name)
    found = unresolved_name(text)
    assert found is not None and found[0] == name
    assert found[1] in text


@given(st.text(max_size=300))
def test_any_text_is_read_without_error(text):
    found = unresolved_name(text)
    assert found is None or found[1] in text
