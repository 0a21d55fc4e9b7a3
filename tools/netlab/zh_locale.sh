#!/usr/bin/env bash
# Record Linux ping as a Chinese-locale system prints it (LANG=zh_CN.UTF-8:
# a server installed in Chinese, a Chinese desktop) over the lab path of
# topology.sh.  Run BY HAND AS ROOT on a lab machine, never in CI:
#
#   sudo ZH_PINGS="20240117=/opt/iputils-20240117/bin/ping 20250605=/opt/iputils-head/bin/ping" \
#       bash tools/netlab/zh_locale.sh [OUT_DIR]
#
# Debian builds iputils without translations (`ping -V` says "NLS: no");
# builds with them print Chinese in a zh_CN locale (public pastes show it
# from Fedora- and Arch-style systems). Build iputils
# (https://github.com/iputils/iputils) with them, once per version:
#
#   meson setup build -DUSE_GETTEXT=true -DUSE_IDN=false -DBUILD_ARPING=false \
#       -DBUILD_CLOCKDIFF=false -DBUILD_TRACEPATH=false -DBUILD_MANS=false \
#       -DBUILD_HTML_MANS=false --prefix=/opt/iputils-VERSION
#   ninja -C build install
#
# and generate the locale (zh_CN.UTF-8 in /etc/locale.gen, then locale-gen).
# Versions translate different messages: 20240117 prints "64 字节，来自" and
# "rtt 最小/平均/移动平均/最大", later ones keep both in English.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-$HERE/../../tests/diagnostics/samples}"
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
: "${ZH_PINGS:?set ZH_PINGS to VERSION=PATH pairs of iputils ping built with translations}"
declare -A PING
for pair in $ZH_PINGS; do PING[${pair%%=*}]="${pair#*=}"; done
source "$HERE/topology.sh"
trap lab_down EXIT
lab_up
save() { echo "  -> $1"; cat > "$OUT/$1"; }
zping() {  # zping VERSION PING-ARGS...: ping from the customer, in Chinese
    local version="$1"; shift
    cust env LC_ALL=zh_CN.UTF-8 LANG=zh_CN.UTF-8 "${PING[$version]}" "$@" 2>&1 || true
}

echo "== cross-border loss (8% on the long haul, 90 ms RTT)"
relay 45 2
nsx nl-bb2 iptables -t raw -A PREROUTING -i lh -m statistic --mode random --probability 0.08 -j DROP
zping 20240117 -c 50 -i 0.2 "$DEST" | save linux-ping-zh-crossborder.txt
zping 20250605 -c 50 -i 0.2 "$DEST" | save linux-ping-zh-crossborder-2025.txt
nsx nl-bb2 iptables -t raw -D PREROUTING -i lh -m statistic --mode random --probability 0.08 -j DROP

echo "== no route beyond the border router: net unreachable"
nsx nl-bb1 ip route del 203.0.113.0/24
nsx nl-bb1 ip route add unreachable 203.0.113.0/24
zping 20240117 -c 5 -i 0.5 -W 1 "$DEST" | save linux-ping-zh-net-unreachable.txt
nsx nl-bb1 ip route del unreachable 203.0.113.0/24
nsx nl-bb1 ip route add 203.0.113.0/24 via 198.51.100.6

echo "== the ingest host is down: host unreachable from hop 4"
nsx nl-ing ip link set eth0 down
zping 20250605 -c 6 -i 0.5 -W 1 "$DEST" | save linux-ping-zh-host-down.txt
nsx nl-ing ip link set eth0 up
nsx nl-ing ip route add default via 203.0.113.1 2>/dev/null || true
