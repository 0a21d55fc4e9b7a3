from __future__ import annotations

import pytest
from conftest import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.diagnostics import Answers, Attachment, diagnose
from kb.diagnostics.lookups import failed_lookups


def _answer(text: str, name: str = "lookup.txt"):
    return diagnose(answers=Answers(role="publisher"), attachments=[Attachment(name, text)])


def _sample(name: str):
    return _answer((SAMPLES / name).read_text(encoding="utf-8"), name)


# Each resolver tool's own verdict (samples/SOURCES.md).
@pytest.mark.parametrize(("sample", "kind", "name", "cited"), [
    ("linux-nslookup-nxdomain.txt", "dns-name-missing", "web2",
     "** server can't find web2: NXDOMAIN"),
    ("linux-nslookup-refused.txt", "dns-lookup-failed", "aka.ms",
     "** server can't find aka.ms: REFUSED"),
    ("windows-nslookup-non-existent-domain.txt", "dns-name-missing", "scoulombel-nas.local",
     "*** UnKnown can't find scoulombel-nas.local: Non-existent domain"),
    ("windows-nslookup-zh-query-refused.txt", "dns-lookup-failed", "yahoo.com",
     "*** UnKnown 找不到 yahoo.com: Query refused"),
    ("dig-nxdomain.txt", "dns-name-missing", "fake.gitlab.com",
     ";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 1502"),
])
def test_a_failed_lookup_is_the_dns_fix(sample, kind, name, cited):
    answer = _sample(sample)
    assert [f.kind for f in answer.findings] == [kind]
    finding = answer.findings[0]
    assert finding.facts["name"] == name and finding.evidence == [cited]
    assert answer.suggestions[0].problem == "push.dns-resolution"
    # The customer's resolver or a typo: the fix first, no ticket.
    assert not answer.escalate.recommended


def test_a_name_that_does_not_exist_and_a_resolver_that_failed_say_different_things():
    missing = _sample("dig-nxdomain.txt").findings[0]
    failed = _sample("linux-nslookup-refused.txt").findings[0]
    assert "does not exist (NXDOMAIN): the name is mistyped" in missing.summary
    assert "DNS server gave no answer for aka.ms (REFUSED)" in failed.summary
    assert "nslookup fake.gitlab.com 223.5.5.5" in missing.text("zh-hans")


def test_a_reverse_lookup_that_failed_is_not_read():
    # dig -x: a missing PTR record breaks no push.
    answer = _sample("dig-reverse-nxdomain.txt")
    assert answer.findings == []
    assert answer.to_dict()["attachments"][0]["notes"][0].startswith("Not recognised")


def test_the_timeout_before_a_windows_answer_is_only_the_server_name():
    # nslookup first looks up its server's own name; that timing out is no verdict.
    text = ("C:\\>nslookup push.example.com\nDNS request timed out.\n    timeout was 2 seconds.\n"
            "Server:  UnKnown\nAddress:  192.168.1.1\n\nNon-authoritative answer:\n"
            "Name:    push.example.com\nAddress:  203.0.113.10\n")
    assert failed_lookups(text) == []


@pytest.mark.parametrize(("text", "name", "status"), [
    ("C:\\>nslookup push.example.com\nDNS request timed out.\n    timeout was 2 seconds.\n"
     "Server:  UnKnown\nAddress:  192.168.1.1\n\nDNS request timed out.\n"
     "    timeout was 2 seconds.\n*** Request to UnKnown timed-out\n",
     "push.example.com", "timed out"),
    ("$ dig push.example.com\n\n; <<>> DiG 9.18.28 <<>> push.example.com\n"
     ";; global options: +cmd\n;; connection timed out; no servers could be reached\n",
     "push.example.com", "timed out"),
    # The DNS article's own command prints no question section.
    ("; <<>> DiG 9.18.28 <<>> +noall +comments +answer push.example.com\n"
     ";; global options: +cmd\n;; Got answer:\n"
     ";; ->>HEADER<<- opcode: QUERY, status: SERVFAIL, id: 40211\n",
     "push.example.com", "SERVFAIL"),
    ("Resolve-DnsName : push.example.com : DNS name does not exist\n",
     "push.example.com", "DNS name does not exist"),
    ("Host push.example.com not found: 3(NXDOMAIN)\n", "push.example.com", "NXDOMAIN"),
    ("*** UnKnown 找不到 push.example.com: Non-existent domain\n",
     "push.example.com", "Non-existent domain"),
])
def test_each_tools_verdict_names_the_name(text, name, status):
    assert [(n, s) for n, s, _line in failed_lookups(text)] == [(name, status)]


def test_an_address_looked_up_in_reverse_is_not_read():
    text = "*** dns.google ne parvient pas à trouver 22.146.54.58 : Non-existent domain\n"
    assert failed_lookups(text) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from([
    ";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 1",
    ";push.example.com.  IN  A",
    ";; QUESTION SECTION:",
    "; <<>> DiG 9.18 <<>> push.example.com",
    "** server can't find push.example.com: SERVFAIL",
    "*** UnKnown can't find push.example.com: Server failed",
    "*** Request to UnKnown timed-out",
    "$ nslookup push.example.com",
    ";; connection timed out; no servers could be reached",
]), st.text(max_size=30)), max_size=20))
def test_any_mix_of_lookup_lines_reads_as_named_verdicts(lines):
    text = "\n".join(lines)
    for name, status, line in failed_lookups(text):
        assert name and status and line in text
    answer = _answer(text)
    assert not answer.degraded
