#!/usr/bin/env bash
# Build an emulated streaming path in network namespaces and record real
# ping / traceroute / mtr / ffmpeg outputs as test samples for
# kb/diagnostics.  Run BY HAND AS ROOT on a lab machine, never in CI:
#
#   sudo bash tools/netlab/netlab.sh [OUT_DIR]
#
# OUT_DIR defaults to tests/diagnostics/samples.  Needs (Debian):
#   apt-get install -y iproute2 iputils-ping mtr-tiny traceroute ffmpeg \
#       nginx libnginx-mod-rtmp iptables ethtool
#
# Topology (hop numbers as the customer sees them):
#
#   nl-cust 192.168.50.10 --LAN-- nl-cpe (hop 1: 192.168.50.1, home router)
#     --CGNAT 100.64.10.0/30-- nl-isp (hop 2: 100.64.10.1, access ISP)
#     -- 198.51.100.0/30 -- nl-bb1 (hop 3: 198.51.100.2, border router)
#     == long haul 198.51.100.4/30, through the nl-lh delay relay ==
#     nl-bb2 (hop 4: 198.51.100.6, far-side backbone)
#     -- 203.0.113.0/24 -- nl-ing (hop 5: 203.0.113.10, nginx-rtmp ingest)
#
# Only documentation ranges are used for "public" hops, no namespace has a
# route out, every probe targets an address inside these namespaces, and
# everything is removed on exit (trap EXIT).  This kernel has no netem, so:
# loss = iptables statistic DROP, rate-limited hop = dropping the ICMP
# time-exceeded it sends, delay = tools/netlab/relay.py (AF_PACKET bridge),
# MTU black hole = small MTU + dropping ICMP fragmentation-needed.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-$HERE/../../tests/diagnostics/samples}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
WORK="$(mktemp -d /tmp/netlab.XXXXXX)"
NSS=(nl-cust nl-cpe nl-isp nl-bb1 nl-lh nl-bb2 nl-ing)
RELAY_PID=""
NGINX_PIDFILE="$WORK/nginx.pid"
DEST=203.0.113.10

cleanup() {
    set +e
    [ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null
    if [ -f "$NGINX_PIDFILE" ]; then kill "$(cat "$NGINX_PIDFILE")" 2>/dev/null; fi
    for ns in "${NSS[@]}"; do ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null; done
    sleep 0.5
    for ns in "${NSS[@]}"; do ip netns del "$ns" 2>/dev/null; done
    rm -rf /etc/netns/nl-cust "$WORK"
    rmdir /etc/netns 2>/dev/null  # only if we left it empty
}
trap cleanup EXIT

nsx() { local ns="$1"; shift; ip netns exec "$ns" "$@"; }

for ns in "${NSS[@]}"; do
    ip netns del "$ns" 2>/dev/null || true
    ip netns add "$ns"
    nsx "$ns" ip link set lo up
done

# link NS_A IF_A NS_B IF_B : a veth pair between two namespaces
link() {
    ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
    nsx "$1" ip link set "$2" up
    nsx "$3" ip link set "$4" up
}

link nl-cust eth0 nl-cpe lan
link nl-cpe wan nl-isp cpe
link nl-isp bb nl-bb1 isp
link nl-bb1 lh nl-lh lh-a
link nl-lh lh-b nl-bb2 lh
link nl-bb2 ing nl-ing eth0

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
# Linux rate-limits the ICMP errors it sends (1/s per destination by
# default), which would make every hop look lossy at mtr's 0.2 s interval.
# Lift it everywhere; the rate-limiting scenario below adds it back on
# one router on purpose.
for ns in "${NSS[@]}"; do
    nsx "$ns" sysctl -qw net.ipv4.icmp_ratelimit=0
    nsx "$ns" sysctl -qw net.ipv4.icmp_msgs_per_sec=100000 2>/dev/null || true
done
# The customer side is NATed twice in real life; routing without NAT keeps
# the lab simple and the hop addresses are what mtr shows either way.

# 203.0.113.20 silently drops SYNs: a firewalled ingest (-> timeout).
nsx nl-ing iptables -A INPUT -d 203.0.113.20 -p tcp --syn -j DROP

# Relay on the long-haul link: frames cross userspace, so no checksum
# offload on the veth ends around it.
for pair in "nl-bb1 lh" "nl-lh lh-a" "nl-lh lh-b" "nl-bb2 lh"; do
    set -- $pair
    nsx "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 || true
done
nsx nl-lh ip link set lh-a promisc on
nsx nl-lh ip link set lh-b promisc on
ip netns exec nl-lh python3 "$HERE/relay.py" lh-a lh-b 0 0 &
RELAY_PID=$!

restart_relay() {  # restart_relay ONE_WAY_MS JITTER_MS
    kill "$RELAY_PID" 2>/dev/null || true
    wait "$RELAY_PID" 2>/dev/null || true
    ip netns exec nl-lh python3 "$HERE/relay.py" lh-a lh-b "$1" "$2" &
    RELAY_PID=$!
    sleep 0.5
}

# nginx-rtmp ingest with an on_publish hook that refuses (403).
mkdir -p "$WORK/hls" "$WORK/logs"
chmod 755 "$WORK" "$WORK/hls"  # nginx workers run unprivileged
cat > "$WORK/nginx.conf" <<NGINX
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
pid $NGINX_PIDFILE;
error_log $WORK/logs/error.log;
worker_processes 1;
events { worker_connections 64; }
rtmp {
    server {
        listen $DEST:1935;
        application live { live on; }
        application secure { live on; on_publish http://127.0.0.1:8080/auth; }
        application hls { live on; hls on; hls_path $WORK/hls; }
    }
}
http {
    access_log $WORK/logs/access.log;
    client_body_temp_path $WORK/body;
    proxy_temp_path $WORK/proxy;
    fastcgi_temp_path $WORK/fcgi;
    uwsgi_temp_path $WORK/uwsgi;
    scgi_temp_path $WORK/scgi;
    server {
        listen 127.0.0.1:8080;
        listen $DEST:8080;
        location /auth { return 403; }
        location /private/ { return 403; }
        location /hls/ { alias $WORK/hls/; }
    }
}
NGINX
nsx nl-ing nginx -c "$WORK/nginx.conf"

# Resolver inside the customer namespace: its own loopback, where nothing
# listens, so a lookup fails at once and no DNS packet leaves the lab.
mkdir -p /etc/netns/nl-cust
echo "nameserver 127.0.0.1" > /etc/netns/nl-cust/resolv.conf

sleep 1
nsx nl-cust ping -c 3 -W 1 "$DEST" >/dev/null || { echo "lab path broken" >&2; exit 1; }

cust() { nsx nl-cust "$@"; }
save() { echo "  -> $1"; cat > "$OUT/$1"; }

loss_rule() {  # loss_rule NS IPTABLES_ARGS...: add (-A) or delete (-D) a random drop
    local ns="$1"; shift
    nsx "$ns" iptables "$@" -m statistic --mode random --probability "$LOSS" -j DROP
}
LOSS=0.10

echo "== clean path, no added delay"
cust ping -c 20 -i 0.2 "$DEST" 2>&1 | save linux-ping-clean.txt
cust traceroute -n "$DEST" 2>&1 | save linux-traceroute-clean.txt

echo "== long-haul segment: 45 ms each way, +-4 ms jitter"
restart_relay 45 4
cust ping -c 30 -i 0.2 "$DEST" 2>&1 | save linux-ping-longhaul.txt
cust traceroute "$DEST" 2>&1 | save linux-traceroute-longhaul.txt
cust mtr --report -n -c 30 -i 0.2 "$DEST" 2>&1 | save linux-mtr-report-longhaul.txt

echo "== last-mile loss (home router drops 10% of what arrives from the LAN)"
loss_rule nl-cpe -t raw -A PREROUTING -i lan
cust ping -c 50 -i 0.2 "$DEST" 2>&1 | save linux-ping-lossy.txt
cust mtr --report -n -c 60 -i 0.2 "$DEST" 2>&1 | save linux-mtr-report-lastmile.txt
loss_rule nl-cpe -t raw -D PREROUTING -i lan

echo "== loss starting mid-path (ISP -> border link drops 10%) and persisting"
loss_rule nl-isp -A FORWARD -o bb
cust mtr --report-wide -c 60 -i 0.2 "$DEST" 2>&1 | save linux-mtr-reportwide-midpath.txt
cust mtr --json -n -c 40 -i 0.2 "$DEST" 2>&1 | save linux-mtr-midpath.json
loss_rule nl-isp -D FORWARD -o bb

echo "== ICMP rate limiting at hop 2 (60% of its time-exceeded dropped)"
nsx nl-isp iptables -A OUTPUT -p icmp --icmp-type time-exceeded \
    -m statistic --mode random --probability 0.6 -j DROP
cust mtr --report -n -c 60 -i 0.2 "$DEST" 2>&1 | save linux-mtr-report-ratelimit.txt
nsx nl-isp iptables -F OUTPUT

echo "== MTU black hole on the last link (1400, frag-needed dropped)"
restart_relay 0 0
nsx nl-bb2 ip link set ing mtu 1400
nsx nl-ing ip link set eth0 mtu 1400
nsx nl-bb2 iptables -A OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP
cust ping -c 5 -W 1 -M do -s 1472 "$DEST" 2>&1 | save linux-ping-mtu-blackhole.txt || true
nsx nl-bb2 iptables -F OUTPUT
nsx nl-bb2 ip link set ing mtu 1500
nsx nl-ing ip link set eth0 mtu 1500

echo "== ffmpeg pushes"
SRC=(-hide_banner -re -f lavfi -i "testsrc=size=1280x720:rate=30" -f lavfi -i "sine=frequency=1000:sample_rate=44100"
     -c:v libx264 -preset veryfast -profile:v high -pix_fmt yuv420p -b:v 2500k -g 60 -c:a aac -b:a 128k -ar 44100)
push() { cust timeout 40 ffmpeg "${SRC[@]}" "$@" 2>&1 || true; }
push -t 5 -f flv "rtmp://$DEST:1936/live/stream1" | save ffmpeg-push-connection-refused.txt
push -t 5 -rw_timeout 8000000 -f flv "rtmp://203.0.113.20/live/stream1" | save ffmpeg-push-timeout.txt
push -t 5 -f flv "rtmp://ingest.streamline.invalid/live/stream1" | save ffmpeg-push-dns-failure.txt
push -t 5 -f flv "rtmps://$DEST:1935/live/stream1" | save ffmpeg-push-tls-error.txt
push -t 5 -f flv "rtmp://$DEST/secure/stream1?token=expired" | save ffmpeg-push-forbidden.txt
# The first publisher holds the key while the second one tries it.
cust timeout 40 ffmpeg "${SRC[@]}" -t 25 -f flv "rtmp://$DEST/live/dup" >/dev/null 2>&1 &
FIRST=$!
sleep 4
push -t 5 -f flv "rtmp://$DEST/live/dup" | save ffmpeg-push-already-publishing.txt
wait "$FIRST" || true
# A short successful push with the stream mapping lines, then HLS pulls.
push -t 6 -f flv "rtmp://$DEST/hls/show" | save ffmpeg-push-ok.txt
cust timeout 20 ffmpeg -hide_banner -i "http://$DEST:8080/hls/nosuchstream.m3u8" -f null - 2>&1 \
    | save ffmpeg-pull-hls-not-found.txt || true
cust timeout 20 ffmpeg -hide_banner -i "http://$DEST:8080/private/show.m3u8" -f null - 2>&1 \
    | save ffmpeg-pull-hls-forbidden.txt || true

echo "done: samples in $OUT"
