#!/usr/bin/env bash
# The lab path of netlab.sh as functions, for scripts that record more
# scenarios (corpus.sh).  Source it, then call lab_up; lab_down runs on exit.
#
#   nl-cust 192.168.50.10 --LAN-- nl-cpe (hop 1: 192.168.50.1, home router)
#     --CGNAT 100.64.10.0/30-- nl-isp (hop 2: 100.64.10.1, access ISP)
#     -- 198.51.100.0/30 -- nl-bb1 (hop 3: 198.51.100.2, border router)
#     == long haul 198.51.100.4/30, through the nl-lh delay relay ==
#     nl-bb2 (hop 4: 198.51.100.6, far-side backbone)
#     -- 203.0.113.0/24 -- nl-ing (hop 5: 203.0.113.10, ingest)
#
# Only documentation ranges for "public" hops; no namespace has a route out.

LAB_NSS=(nl-cust nl-cpe nl-isp nl-bb1 nl-lh nl-bb2 nl-ing)
LAB_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RELAY_PID=""
DEST=203.0.113.10

nsx() { local ns="$1"; shift; ip netns exec "$ns" "$@"; }
cust() { nsx nl-cust "$@"; }

lab_down() {
    set +e
    [ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null
    for ns in "${LAB_NSS[@]}"; do ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null; done
    sleep 0.5
    for ns in "${LAB_NSS[@]}"; do ip netns del "$ns" 2>/dev/null; done
    rm -rf /etc/netns/nl-cust
    rmdir /etc/netns 2>/dev/null
}

_link() {
    ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
    nsx "$1" ip link set "$2" up
    nsx "$3" ip link set "$4" up
}

relay() {  # relay ONE_WAY_MS JITTER_MS : (re)start the long-haul relay
    if [ -n "$RELAY_PID" ]; then kill "$RELAY_PID" 2>/dev/null || true; wait "$RELAY_PID" 2>/dev/null || true; fi
    ip netns exec nl-lh python3 "$LAB_HERE/relay.py" lh-a lh-b "$1" "$2" &
    RELAY_PID=$!
    sleep 0.5
}

relay_stop() {  # the long-haul line goes down: nothing crosses it
    if [ -n "$RELAY_PID" ]; then kill "$RELAY_PID" 2>/dev/null || true; wait "$RELAY_PID" 2>/dev/null || true; fi
    RELAY_PID=""
}

lab_up() {
    for ns in "${LAB_NSS[@]}"; do
        ip netns del "$ns" 2>/dev/null || true
        ip netns add "$ns"
        nsx "$ns" ip link set lo up
    done
    _link nl-cust eth0 nl-cpe lan
    _link nl-cpe wan nl-isp cpe
    _link nl-isp bb nl-bb1 isp
    _link nl-bb1 lh nl-lh lh-a
    _link nl-lh lh-b nl-bb2 lh
    _link nl-bb2 ing nl-ing eth0
    nsx nl-cust ip addr add 192.168.50.10/24 dev eth0
    nsx nl-cust ip route add default via 192.168.50.1
    nsx nl-cpe ip addr add 192.168.50.1/24 dev lan
    nsx nl-cpe ip addr add 100.64.10.2/30 dev wan
    nsx nl-cpe ip route add default via 100.64.10.1
    nsx nl-isp ip addr add 100.64.10.1/30 dev cpe
    nsx nl-isp ip addr add 198.51.100.1/30 dev bb
    nsx nl-isp ip route add 192.168.50.0/24 via 100.64.10.2
    nsx nl-isp ip route add default via 198.51.100.2
    nsx nl-bb1 ip addr add 198.51.100.2/30 dev isp
    nsx nl-bb1 ip addr add 198.51.100.5/30 dev lh
    nsx nl-bb1 ip route add 192.168.50.0/24 via 198.51.100.1
    nsx nl-bb1 ip route add 100.64.10.0/30 via 198.51.100.1
    nsx nl-bb1 ip route add 203.0.113.0/24 via 198.51.100.6
    nsx nl-bb2 ip addr add 198.51.100.6/30 dev lh
    nsx nl-bb2 ip addr add 203.0.113.1/24 dev ing
    nsx nl-bb2 ip route add default via 198.51.100.5
    nsx nl-ing ip addr add 203.0.113.10/24 dev eth0
    nsx nl-ing ip addr add 203.0.113.20/24 dev eth0
    nsx nl-ing ip route add default via 203.0.113.1
    for ns in nl-cpe nl-isp nl-bb1 nl-bb2; do nsx "$ns" sysctl -qw net.ipv4.ip_forward=1; done
    for ns in "${LAB_NSS[@]}"; do
        nsx "$ns" sysctl -qw net.ipv4.icmp_ratelimit=0
        nsx "$ns" sysctl -qw net.ipv4.icmp_msgs_per_sec=100000 2>/dev/null || true
    done
    for pair in "nl-bb1 lh" "nl-lh lh-a" "nl-lh lh-b" "nl-bb2 lh"; do
        set -- $pair
        nsx "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 || true
    done
    nsx nl-lh ip link set lh-a promisc on
    nsx nl-lh ip link set lh-b promisc on
    relay 0 0
    mkdir -p /etc/netns/nl-cust
    echo "nameserver 127.0.0.1" > /etc/netns/nl-cust/resolv.conf
    sleep 1
    cust ping -c 3 -W 1 "$DEST" >/dev/null || { echo "lab path broken" >&2; return 1; }
}
