from __future__ import annotations

import pytest
from conftest import expected_for, sample_files
from hypothesis import given
from hypothesis import strategies as st

from kb.diagnostics import detect, parse
from kb.diagnostics.analysis import analyse_path, customer_side, long_haul_jump
from kb.diagnostics.carriers import carrier_of
from kb.diagnostics.decode import decode_paste
from kb.diagnostics.models import Hop, PathResult
from kb.diagnostics.path import parse_mtr_json, parse_mtr_report, parse_tracert, summarise
from kb.diagnostics.rules import THRESHOLDS

PATH_SAMPLES = sample_files("traceroute", "tracert", "mtr", "pathping")


def _kinds(findings):
    return [f.kind for f in findings]


def _path(read_sample, name):
    parsed = parse(name, read_sample(name))
    return parsed.results[0]


def test_every_path_tool_has_real_samples():
    detected = {expected_for(p)["detected"] for p in PATH_SAMPLES}
    assert detected == {"traceroute", "tracert", "mtr", "pathping"}


@pytest.mark.parametrize("sample", PATH_SAMPLES, ids=lambda p: p.name)
def test_path_sample_parses_to_its_expected_metrics(sample):
    expected = expected_for(sample)
    parsed = parse(sample.name, sample.read_bytes())
    assert parsed.detected == expected["detected"]
    assert parsed.platform == expected["platform"]
    assert parsed.variant == expected.get("variant")
    metrics = {k: v for k, v in parsed.metrics.items() if k != "per_hop"}
    assert metrics == expected["metrics"]
    assert [h["host"] for h in parsed.metrics["per_hop"]] == expected["hop_hosts"]


def test_intermediate_only_loss_is_reported_as_rate_limiting(read_sample):
    path = _path(read_sample, "linux-mtr-report-ratelimit.txt")
    assert path.hops[1].loss_pct >= 50 and path.dest_loss_pct == 0.0
    findings = analyse_path(path)
    limited = [f for f in findings if f.kind == "icmp-rate-limit"]
    assert [f.facts["hop"] for f in limited] == [2]
    assert limited[0].problems == []
    assert "path-loss-transit" not in _kinds(findings)
    assert "path-loss-last-mile" not in _kinds(findings)


def test_loss_starting_mid_path_and_persisting_locates_the_segment(read_sample):
    # The access ISP's uplink to the border router: before the long-haul
    # jump (hops 3 -> 4), so the customer's side, not the cross-border one.
    path = _path(read_sample, "linux-mtr-reportwide-midpath.txt")
    assert path.loss_starts_hop == 3
    finding = next(f for f in analyse_path(path) if f.kind == "path-loss-last-mile")
    assert finding.problems == ["net.loss-last-mile"]
    assert finding.evidence[0].strip().startswith("3.|-- 198.51.100.2")


def test_loss_starting_at_the_long_haul_jump_is_cross_border(read_sample):
    path = _path(read_sample, "linux-mtr-report-crossborder.txt")
    assert path.loss_starts_hop == 4
    finding = next(f for f in analyse_path(path) if f.kind == "path-loss-transit")
    assert finding.problems == ["net.loss-cross-border"]
    assert finding.evidence[0].strip().startswith("4.|-- 198.51.100.6")


def test_mtr_json_and_report_agree_on_where_loss_starts(read_sample):
    assert _path(read_sample, "linux-mtr-midpath.json").loss_starts_hop == 3


def test_loss_from_the_first_hop_is_last_mile(read_sample):
    path = _path(read_sample, "linux-mtr-report-lastmile.txt")
    assert path.loss_starts_hop == 1
    kinds = _kinds(analyse_path(path))
    assert "path-loss-last-mile" in kinds and "path-loss-transit" not in kinds


def test_loss_inside_a_private_network_is_last_mile_in_pathping(read_sample):
    path = _path(read_sample, "windows-pathping-en.txt")
    assert path.loss_starts_hop == 2
    assert "path-loss-last-mile" in _kinds(analyse_path(path))


@pytest.mark.parametrize(
    "address,expected",
    [
        ("192.168.50.1", True),
        ("10.10.110.37", True),
        ("172.16.87.218", True),
        ("100.64.10.1", True),
        ("100.93.64.1", True),
        ("100.128.0.1", False),
        ("198.51.100.2", False),
        ("203.0.113.10", False),
        ("8.8.8.8", False),
        (None, False),
    ],
)
def test_rfc1918_and_cgnat_addresses_are_the_customer_side(address, expected):
    assert customer_side(address) is expected


def test_cgnat_hops_in_a_real_chinese_pathping_are_customer_side(read_sample):
    findings = analyse_path(_path(read_sample, "windows-pathping-zh.txt"))
    side = next(f for f in findings if f.kind == "customer-side-hops")
    assert "1" in side.summary and "2" in side.summary  # 192.168.31.1, 100.93.64.1


def test_long_haul_rtt_step_is_found_between_the_right_hops(read_sample):
    path = _path(read_sample, "linux-traceroute-longhaul.txt")
    step = next(f for f in analyse_path(path) if f.kind == "long-haul-segment")
    assert (step.facts["from_hop"], step.facts["to_hop"]) == (3, 4)
    assert step.facts["step_ms"] >= 80


def test_no_long_haul_step_on_the_clean_lab_path(read_sample):
    assert "long-haul-segment" not in _kinds(
        analyse_path(_path(read_sample, "linux-traceroute-clean.txt"))
    )


def test_long_haul_threshold_is_tunable(read_sample):
    from kb.diagnostics.rules import THRESHOLDS

    path = _path(read_sample, "linux-traceroute-longhaul.txt")
    strict = dict(THRESHOLDS, long_haul_step_ms=200.0)
    assert "long-haul-segment" not in _kinds(analyse_path(path, strict))


def test_trace_that_dies_gives_the_hop_and_total_loss(read_sample):
    # Hop 6 answered while the route was traced but lost all 100 pings of
    # pathping's statistics, and nothing answered after it.
    path = _path(read_sample, "windows-pathping-zh.txt")
    assert path.reached is False
    assert (path.loss_starts_hop, path.dest_loss_pct) == (6, 100.0)
    assert "path-unreachable" in _kinds(analyse_path(path))


def test_chinese_tracert_reads_less_than_one_ms_and_timeouts(read_sample):
    path = parse_tracert(decode_paste(read_sample("windows-tracert-zh-utf16.txt")))
    assert path.hops[0].rtt_avg_ms == pytest.approx((1 + 0.5 + 1) / 3, abs=0.001)
    assert path.hops[2].host is None and path.hops[2].loss_pct == 100.0


def test_silent_middle_hops_do_not_start_persistent_loss():
    text = (
        "HOST: x                           Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
        "  1.|-- 192.168.1.1                0.0%    10    0.2   0.2   0.2   0.3   0.0\n"
        "  2.|-- ???                       100.0    10    0.0   0.0   0.0   0.0   0.0\n"
        "  3.|-- 198.51.100.9               0.0%    10    6.3   7.7   6.0  10.1   1.8\n"
    )
    path = summarise(parse_mtr_report(text), loss_threshold_pct=2.0)
    assert path.loss_starts_hop is None and path.dest_loss_pct == 0.0


def test_mtr_columns_follow_the_header_order():
    text = (
        "HOST: x                           Snt   Loss%   Avg\n"
        "  1.|-- 198.51.100.1                20    10.0%   5.5\n"
    )
    hop = parse_mtr_report(text).hops[0]
    assert (hop.sent, hop.loss_pct, hop.rtt_avg_ms) == (20, 10.0, 5.5)


def test_mtr_show_ips_rows_keep_the_address_and_the_columns_in_place():
    # mtr -b prints "name (address)": two words where the others print one.
    text = (
        "HOST: encoder                    Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
        "  1.|-- router.lan (192.168.1.1)   0.0%    10    0.5   0.6   0.4   0.9   0.1\n"
        "  2.|-- ae1.pop.example.net (203.0.113.9)  20.0%    10   10.5  10.6  10.4  10.9   0.1\n"
    )
    hops = parse_mtr_report(text).hops
    assert [(h.host, h.name) for h in hops] == [
        ("192.168.1.1", "router.lan"), ("203.0.113.9", "ae1.pop.example.net")]
    assert [(h.loss_pct, h.sent, h.rtt_avg_ms) for h in hops] == [(0.0, 10, 0.6), (20.0, 10, 10.6)]


def test_mtr_columns_chosen_with_o_are_read_without_the_host_line(read_sample):
    # Loss% Drop Rcv Snt Last Best Avg ..., the report's first line not copied.
    path = _path(read_sample, "mtr-report-fields-showips.txt")
    hop = path.hops[2]
    assert (hop.host, hop.name) == ("185.1.192.12", "de-cix-madrid.as13335.net")
    assert (hop.loss_pct, hop.sent, hop.rtt_best_ms, hop.rtt_avg_ms, hop.rtt_worst_ms) == (
        0.0, 10, 5.2, 13.9, 31.9)


def test_an_mtr_hop_that_reports_no_route_ends_the_path_there():
    # mtr prints the hop's error in brackets instead of its address
    # (ui/report.c, snprint_hop_name: "(no route to host)").
    text = (
        "HOST: encoder                    Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
        "  1.|-- 192.168.1.1                0.0%    10    0.5   0.6   0.4   0.9   0.1\n"
        "  2.|-- (no route to host)       100.0%    10    0.0   0.0   0.0   0.0   0.0\n"
    )
    hop = parse_mtr_report(text).hops[1]
    assert (hop.host, hop.error, hop.loss_pct, hop.rtt_avg_ms) == (
        None, "host-unreachable", 100.0, None)


def test_nexttrace_report_is_read_as_mtr(read_sample):
    path = _path(read_sample, "nexttrace-report.txt")
    assert [(h.hop, h.host, h.loss_pct) for h in path.hops] == [
        (1, "one.one.one.one", 0.0), (2, "10.0.0.2", 100.0)]
    # A hop that never answered prints 0.00 for its times: not readings.
    assert path.hops[1].rtt_avg_ms is None


def test_nexttrace_wide_report_folds_a_hops_other_addresses_into_one_hop():
    # nexttrace -r -w: the AS and the place after the address; a hop that
    # answered from two addresses has a row for each, the second under five
    # spaces; a hop nothing answered has its cells blank.
    text = (
        "Start: 2026-11-20T21:05:00+0800\n"
        "HOST: encoder                          Loss%   Snt   Last    Avg   Best   Wrst  StDev\n"
        "  1. 192.168.1.1 LAN Address             0.0%    10    0.51   0.60   0.40   0.90   0.10\n"
        "  2. (waiting for reply)\n"
        "  3. AS4134 202.97.12.1 中国 上海 电信   20.0%    10   31.00  31.00  30.00  32.00   1.00\n"
        "     AS4134 202.97.12.5 中国 上海 电信    0.0%    10   35.00  35.00  34.00  36.00   1.00\n"
    )
    hops = parse_mtr_report(text).hops
    assert [h.hop for h in hops] == [1, 2, 3]
    assert (hops[1].host, hops[1].loss_pct) == (None, 100.0)
    third = hops[2]
    assert (third.host, third.asn, third.sent, third.loss_pct) == ("202.97.12.1", 4134, 20, 10.0)
    # 8 answers at 31 ms and 10 at 35 ms.
    assert third.rtt_avg_ms == pytest.approx((8 * 31 + 10 * 35) / 18, abs=0.001)
    assert (third.rtt_best_ms, third.rtt_worst_ms) == (30.0, 36.0)


def test_mtrs_live_screen_copied_from_a_terminal_is_read_as_its_report(read_sample):
    # "Host  Loss%  Snt ..." and rows "1. routeros (192.168.1.1)  0.0%  714 ...";
    # a hop that never answered is a bare "2. ???".
    path = _path(read_sample, "mtr-screen-showips-ratelimit.txt")
    assert [(h.hop, h.host, h.loss_pct) for h in path.hops[:3]] == [
        (1, "192.168.1.1", 0.0), (2, None, 100.0), (3, "172.18.0.6", 74.1)]
    findings = analyse_path(path)
    assert [f.facts["hop"] for f in findings if f.kind == "icmp-rate-limit"] == [3, 5, 6, 7]
    assert "path-loss-transit" not in _kinds(findings)


def test_mtrs_live_screen_with_its_title_lines_is_detected_as_mtr():
    text = (
        "My traceroute [v0.95]\n"
        "encoder (192.168.1.20) 2026-11-20T21:05:00+0800\n"
        "Keys:  Help   Display mode   Restart statistics   Order of fields   quit\n"
        "                                       Packets               Pings\n"
        " Host                                Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
        " 1. 192.168.1.1                       0.0%    20    0.4   0.5   0.3   0.9   0.1\n"
        " 2. 203.0.113.1                      15.0%    20   12.1  12.4  11.8  14.0   0.5\n"
    )
    assert detect(text) == ("mtr", None)
    hops = parse("mtr.txt", text.encode()).results[0].hops
    assert [(h.host, h.loss_pct, h.sent) for h in hops] == [
        ("192.168.1.1", 0.0, 20), ("203.0.113.1", 15.0, 20)]


# What comes after a row's number: mtr's plain, -n, -b and -z rows, and
# NextTrace's report rows (compact and -w).
_MTR_HOST_COLUMNS = {
    "mtr": ".|-- hop{n}.example.net",
    "mtr -n": ".|-- {ip}",
    "mtr -b": ".|-- hop{n}.example.net ({ip})",
    "mtr -z": ". AS4134   {ip}",
    "nexttrace -r": ". {ip}",
    "nexttrace -r -w": ". AS4809 {ip} 中国 广东 广州 电信",
}


@given(
    st.sampled_from(sorted(_MTR_HOST_COLUMNS)),
    st.lists(
        st.tuples(st.integers(0, 1000), st.integers(1, 500), st.integers(0, 99_999)),
        min_size=1,
        max_size=30,
    ),
)
def test_every_mtr_row_keeps_its_statistics_whatever_its_host_column(layout, rows):
    lines = ["HOST: encoder   Loss%   Snt   Last   Avg  Best  Wrst StDev"]
    for n, (loss_tenths, sent, avg_tenths) in enumerate(rows, 1):
        host = _MTR_HOST_COLUMNS[layout].format(n=n, ip=f"198.51.100.{n}")
        loss, avg = loss_tenths / 10, avg_tenths / 10
        lines.append(f"{n:3d}{host:40s} {loss:5.1f}% {sent:5d} {avg:6.1f} {avg:6.1f} "
                     f"{avg:6.1f} {avg:6.1f} {0:5.1f}")
    hops = parse_mtr_report("\n".join(lines)).hops
    assert [(h.hop, h.loss_pct, h.sent) for h in hops] == [
        (n, loss / 10, sent) for n, (loss, sent, _) in enumerate(rows, 1)]
    assert [h.rtt_avg_ms for h in hops] == [
        None if loss == 1000 else avg / 10 for loss, _, avg in rows]
    if layout != "mtr":
        assert [h.host for h in hops] == [f"198.51.100.{n}" for n in range(1, len(rows) + 1)]


def test_private_addresses_inside_a_carrier_are_not_the_customers_side():
    # An ISP's MPLS core numbered in 10.0.0.0/8, after the customer's public
    # edge: loss that starts there is the carrier's, not the last mile.
    text = (
        "Start: 2026-11-25T10:00:00+0000\n"
        "HOST: encoder                    Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
        "  1.|-- 192.168.50.1               0.0%   100    0.4   0.4   0.3   0.6   0.1\n"
        "  2.|-- 198.51.100.2               0.0%   100    5.1   5.0   4.8   5.5   0.2\n"
        "  3.|-- 10.222.48.113             12.0%   100   12.1  12.0  11.8  12.5   0.2\n"
        "  4.|-- 203.0.113.10              12.0%   100   12.3  12.2  12.0  12.6   0.2\n"
    )
    path = parse("mtr.txt", text).results[0]
    findings = analyse_path(path)
    assert "path-loss-transit" in _kinds(findings)
    customer = next(f for f in findings if f.kind == "customer-side-hops")
    assert [line.split()[1] for line in customer.evidence] == ["192.168.50.1"]


def test_a_carriers_private_core_is_not_called_the_last_mile(read_sample):
    path = _path(read_sample, "cisco-traceroute-isp-as-mpls-stars.txt")
    assert "customer-side-hops" not in _kinds(analyse_path(path))


def test_a_route_over_a_standard_chinese_backbone_is_named_with_its_evening_peak(read_sample):
    path = _path(read_sample, "nexttrace-reached.txt")
    finding = next(f for f in analyse_path(path) if f.kind == "route-standard-backbone")
    assert finding.summary.startswith(
        "From hop 8 (219.158.35.157) the route runs over China Unicom 169 (AS4837)"
    )
    assert "中国联通 169 骨干网" in finding.message.render("zh-hans")
    assert finding.problems == ["net.peak-hour-congestion"]


def test_a_backbone_is_recognised_by_its_prefix_when_no_as_is_printed(read_sample):
    path = _path(read_sample, "windows-pathping-zh.txt")
    finding = next(f for f in analyse_path(path) if f.kind == "route-carrier")
    assert finding.facts == {"carrier": "cm-cmnet", "hop": 5}


@pytest.mark.parametrize(
    "hop,carrier",
    [
        (Hop(hop=1, host="59.43.182.9"), "ct-cn2"),
        (Hop(hop=1, host="202.97.66.226"), "ct-163"),
        (Hop(hop=1, host="202.97.66.226", asn=4809), "ct-cn2"),  # the printed AS decides
        (Hop(hop=1, host="218.30.54.181", asn=4134), "ct-163"),
        (Hop(hop=1, host="203.0.113.10"), None),
        (Hop(hop=1, host=None), None),
    ],
)
def test_a_hops_carrier_is_its_printed_as_else_its_backbone_prefix(hop, carrier):
    found = carrier_of(hop)
    assert (found.code if found else None) == carrier


def test_mtr_with_as_lookup_is_read_with_each_hops_as(read_sample):
    # "  6. AS8544   78.158.134.114 ..." instead of "  6.|-- 78.158.134.114 ..."
    path = _path(read_sample, "linux-mtr-report-aslookup.txt")
    assert [h.hop for h in path.hops] == list(range(1, 12))
    assert (path.hops[5].host, path.hops[5].asn) == ("78.158.134.114", 8544)
    assert (path.hops[0].asn, path.hops[2].host) == (None, None)  # "AS???", "???"
    assert path.reached is True


def test_mtr_json_keeps_the_as_that_z_adds():
    text = (
        '{"report": {"mtr": {"dst": "203.0.113.10"}, "hubs": [{"count": "1", '
        '"host": "202.97.66.226", "ASN": "AS4134", "Loss%": 0.0, "Snt": 10, "Avg": 158.7}]}}'
    )
    assert parse_mtr_json(text).hops[0].asn == 4134


def test_linux_traceroute_keeps_the_as_that_a_prints(read_sample):
    path = _path(read_sample, "linux-traceroute-aslookup.txt")
    assert (path.hops[0].asn, path.hops[2].asn, path.hops[-1].asn) == (None, 13335, 15169)


def test_a_paste_with_more_hops_than_a_ttl_allows_reads_the_first_255():
    rows = [f"{n:3d}.|-- 10.0.{n // 256}.{n % 256}   0.0%   10   1.0   1.0   1.0   1.0   0.1"
            for n in range(1, 401)]
    text = "HOST: encoder  Loss%   Snt   Last   Avg  Best  Wrst StDev\n" + "\n".join(rows)
    parsed = parse("mtr.txt", text.encode())
    assert parsed.metrics["hops"] == 255
    assert "Only the first 255 hops of this trace were read (145 more followed)" in parsed.notes[0]


_HOP_ROWS = st.lists(
    st.tuples(st.booleans(), st.one_of(st.none(), st.integers(0, 100)),
              st.one_of(st.none(), st.integers(0, 400))),
    min_size=2, max_size=40,
)


def _hops(rows) -> list[Hop]:
    return [Hop(hop=n, host=f"198.51.100.{n}" if answered else None,
                loss_pct=None if loss is None else float(loss),
                rtt_avg_ms=None if rtt is None or not answered else float(rtt))
            for n, (answered, loss, rtt) in enumerate(rows, 1)]


@given(_HOP_ROWS)
def test_a_hop_is_rate_limiting_when_a_later_answering_hop_loses_less_than_half(rows):
    hops = _hops(rows)
    significant = THRESHOLDS["loss_significant_pct"]
    path = summarise(PathResult(tool="mtr", hops=hops), loss_threshold_pct=significant)
    found = [f.facts["hop"] for f in analyse_path(path) if f.kind == "icmp-rate-limit"]
    expected = [
        h.hop for i, h in enumerate(hops[:-1])
        if h.host and h.loss_pct is not None and significant <= h.loss_pct < 100
        and (path.loss_starts_hop is None or h.hop < path.loss_starts_hop)
        and any(x.host and x.loss_pct is not None and x.loss_pct < h.loss_pct / 2
                for x in hops[i + 1:])
    ]
    assert found == expected


@given(_HOP_ROWS)
def test_the_long_haul_jump_is_the_largest_step_the_later_hops_keep(rows):
    answering = [h for h in _hops(rows) if h.host and h.rtt_avg_ms is not None]
    best = None
    for i in range(len(answering) - 1):
        a, b = answering[i], answering[i + 1]
        step = b.rtt_avg_ms - a.rtt_avg_ms
        rest = [x.rtt_avg_ms for x in answering[i + 2:]]
        if step >= 50 and (not rest or min(rest) >= a.rtt_avg_ms + step * 0.6) \
                and (best is None or step > best[2]):
            best = (a.hop, b.hop, step)
    jump = long_haul_jump(_hops(rows), {**THRESHOLDS, "long_haul_step_ms": 50})
    assert (None if jump is None else (jump[0].hop, jump[1].hop, jump[2])) == best
