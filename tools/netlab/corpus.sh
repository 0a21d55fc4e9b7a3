#!/usr/bin/env bash
# Record the third round of real outputs for kb/diagnostics: total loss
# (line down, no route, ingest down), loss that does not persist (ICMP rate
# limiting on one or two routers), last-mile and long-haul loss, jitter
# behind a normal average, a high but stable long-haul RTT, ffmpeg codec and
# container mismatches, pushes slower than real time (uplink vs encoder),
# SRT failures (timeout, passphrase, stream id) and a push cut by a line
# going down.  Run BY HAND AS ROOT on a lab machine, never in CI:
#
#   sudo bash tools/netlab/corpus.sh [OUT_DIR [PART...]]
#
# PART is net, ffmpeg or srt (all three when none is given).
#
# Needs (Debian): iproute2 iputils-ping mtr-tiny traceroute ffmpeg iptables
# ethtool srt-tools (libsrt for srt_listener.py), python3.
# Besides the Linux outputs it keeps raw measurements (ping -O per probe,
# traceroute -q 3, mtr --json -c 100) and renders them as Windows ping,
# tracert, pathping and WinMTR print them (winfmt.py), English and Chinese.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-$HERE/../../tests/diagnostics/samples}"
shift || true
PARTS="${*:-net ffmpeg srt}"
want() { [[ " $PARTS " == *" $1 "* ]]; }
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
RAW="$(mktemp -d /tmp/corpus.XXXXXX)"
source "$HERE/topology.sh"
trap 'lab_down; rm -rf "$RAW"' EXIT
lab_up
save() { echo "  -> $1"; cat > "$OUT/$1"; }
raw() { cat > "$RAW/$1"; }
win() {  # win KIND RAWFILE NAME [args]: render a Windows-format output
    local kind="$1" rawf="$2" name="$3"; shift 3
    python3 "$HERE/winfmt.py" "$kind" "$RAW/$rawf" "$@" | save "$name"
}
# Windows ping sends 4 x 32 bytes by default; -n 10 or -t for longer runs.
wping() { cust ping -O -c "${2:-10}" -i 0.25 -W 1 -s 32 "$DEST" 2>&1 | raw "$1" || true; }
wtrace() { cust traceroute -n -q 3 -w 1 -m "${2:-30}" "$DEST" 2>&1 | raw "$1" || true; }
wmtr() { cust mtr --json -n -c "${2:-100}" -i 0.1 "$DEST" 2>&1 | raw "$1" || true; }
drop() {  # drop NS CHAIN-ARGS... PROBABILITY (-A to add, -D to delete)
    local ns="$1" p="${@: -1}"; set -- "${@:2:$#-2}"
    nsx "$ns" iptables "$@" -m statistic --mode random --probability "$p" -j DROP
}
te_drop() {  # te_drop NS -A|-D PROBABILITY: router drops its own time-exceeded
    nsx "$1" iptables "$2" OUTPUT -p icmp --icmp-type time-exceeded \
        -m statistic --mode random --probability "$3" -j DROP
}

if want net; then
echo "== S1 long haul, high but stable RTT (100 ms each way, +-1 ms)"
relay 100 1
cust ping -c 30 -i 0.2 "$DEST" 2>&1 | save linux-ping-longhaul-stable.txt
cust mtr --report -n -c 40 -i 0.2 "$DEST" 2>&1 | save linux-mtr-report-longhaul-stable.txt
wping s1-ping 4; win ping s1-ping windows-ping-en-longhaul-stable.txt --lang en
wtrace s1-trace; win tracert s1-trace windows-tracert-zh-longhaul.txt --lang zh

echo "== S2 jitter behind a normal average (40 ms +-35 ms each way, no loss)"
relay 40 35
cust ping -c 40 -i 0.2 "$DEST" 2>&1 | save linux-ping-jitter.txt
cust mtr --report -n -c 60 -i 0.2 "$DEST" 2>&1 | save linux-mtr-report-jitter.txt
cust mtr --json -n -c 40 -i 0.2 "$DEST" 2>&1 | save linux-mtr-jitter.json
wping s2-ping 10; win ping s2-ping windows-ping-zh-jitter.txt --lang zh
wmtr s2-mtr 60; win winmtr s2-mtr winmtr-jitter.txt

echo "== S3 ICMP rate limiting at hop 2 (60% of its time-exceeded dropped)"
relay 45 2
te_drop nl-isp -A 0.6
cust traceroute -n "$DEST" 2>&1 | save linux-traceroute-ratelimit.txt
cust mtr --report-wide -n -c 60 -i 0.2 "$DEST" 2>&1 | save linux-mtr-reportwide-ratelimit.txt
wtrace s3-trace; win tracert s3-trace windows-tracert-en-ratelimit.txt --lang en
win tracert s3-trace windows-tracert-zh-ratelimit.txt --lang zh
wmtr s3-mtr 100; win pathping s3-mtr windows-pathping-en-ratelimit.txt --lang en
win pathping s3-mtr windows-pathping-zh-ratelimit.txt --lang zh
win winmtr s3-mtr winmtr-ratelimit.txt
te_drop nl-isp -D 0.6

echo "== S4 rate limiting on two routers (hops 3 and 4, 50%)"
te_drop nl-bb1 -A 0.5; te_drop nl-bb2 -A 0.5
cust mtr --report -n -c 60 -i 0.2 "$DEST" 2>&1 | save linux-mtr-report-ratelimit-two.txt
cust mtr --json -n -c 40 -i 0.2 "$DEST" 2>&1 | save linux-mtr-ratelimit-two.json
wmtr s4-mtr 100; win winmtr s4-mtr winmtr-ratelimit-two.txt
te_drop nl-bb1 -D 0.5; te_drop nl-bb2 -D 0.5

echo "== S5 last-mile loss (home router drops 8% of LAN ingress)"
drop nl-cpe -t raw -A PREROUTING -i lan 0.08
cust mtr --json -n -c 60 -i 0.2 "$DEST" 2>&1 | save linux-mtr-lastmile.json
cust ping -c 50 -i 0.2 "$DEST" 2>&1 | save linux-ping-lastmile.txt
wping s5-ping 20; win ping s5-ping windows-ping-en-lastmile.txt --lang en
wmtr s5-mtr 100; win pathping s5-mtr windows-pathping-zh-lastmile.txt --lang zh
win winmtr s5-mtr winmtr-lastmile.txt
drop nl-cpe -t raw -D PREROUTING -i lan 0.08

echo "== S6 cross-border loss (8% on the long haul, 90 ms RTT)"
drop nl-bb2 -t raw -A PREROUTING -i lh 0.08
cust mtr --report -n -c 60 -i 0.2 "$DEST" 2>&1 | save linux-mtr-report-crossborder.txt
cust mtr --report-wide -c 60 -i 0.2 "$DEST" 2>&1 | save linux-mtr-reportwide-crossborder.txt
cust mtr --json -n -c 60 -i 0.2 "$DEST" 2>&1 | save linux-mtr-crossborder.json
cust ping -c 50 -i 0.2 "$DEST" 2>&1 | save linux-ping-crossborder.txt
wping s6-ping 20; win ping s6-ping windows-ping-zh-crossborder.txt --lang zh
wmtr s6-mtr 100; win winmtr s6-mtr winmtr-crossborder.txt
win pathping s6-mtr windows-pathping-en-crossborder.txt --lang en
drop nl-bb2 -t raw -D PREROUTING -i lh 0.08

echo "== S7 severe cross-border loss (25%) with rate limiting at hop 2"
drop nl-bb2 -t raw -A PREROUTING -i lh 0.25
te_drop nl-isp -A 0.5
cust mtr --report -n -c 60 -i 0.2 "$DEST" 2>&1 | save linux-mtr-report-crossborder-severe.txt
te_drop nl-isp -D 0.5
drop nl-bb2 -t raw -D PREROUTING -i lh 0.25

echo "== S8 the long-haul line is down (relay stopped): silence from hop 4"
relay_stop
cust ping -c 10 -i 0.5 -W 1 "$DEST" 2>&1 | save linux-ping-line-down.txt || true
cust traceroute -n -w 1 -m 12 "$DEST" 2>&1 | save linux-traceroute-line-down.txt || true
cust mtr --report -n -c 20 -i 0.2 "$DEST" 2>&1 | save linux-mtr-report-line-down.txt || true
wping s8-ping 4; win ping s8-ping windows-ping-en-line-down.txt --lang en
win ping s8-ping windows-ping-zh-line-down.txt --lang zh
wtrace s8-trace 30; win tracert s8-trace windows-tracert-en-line-down.txt --lang en
win tracert s8-trace windows-tracert-zh-line-down.txt --lang zh
wmtr s8-mtr 40; win winmtr s8-mtr winmtr-line-down.txt
win pathping s8-mtr windows-pathping-en-line-down.txt --lang en
relay 45 2

echo "== S9 no route beyond the border router: net unreachable"
nsx nl-bb1 ip route del 203.0.113.0/24
nsx nl-bb1 ip route add unreachable 203.0.113.0/24
cust ping -c 5 -i 0.5 -W 1 "$DEST" 2>&1 | save linux-ping-net-unreachable.txt || true
cust traceroute -n -w 1 "$DEST" 2>&1 | save linux-traceroute-net-unreachable.txt || true
wping s9-ping 4; win ping s9-ping windows-ping-en-net-unreachable.txt --lang en
wtrace s9-trace 30; win tracert s9-trace windows-tracert-zh-net-unreachable.txt --lang zh
nsx nl-bb1 ip route del unreachable 203.0.113.0/24
nsx nl-bb1 ip route add 203.0.113.0/24 via 198.51.100.6

echo "== S10 the ingest host is down: host unreachable from hop 4"
nsx nl-ing ip link set eth0 down
cust ping -c 6 -i 0.5 -W 1 "$DEST" 2>&1 | save linux-ping-host-down.txt || true
cust mtr --report -n -c 20 -i 0.2 "$DEST" 2>&1 | save linux-mtr-report-host-down.txt || true
wping s10-ping 4; win ping s10-ping windows-ping-zh-host-down.txt --lang zh
wtrace s10-trace 30; win tracert s10-trace windows-tracert-en-host-down.txt --lang en
nsx nl-ing ip link set eth0 up
nsx nl-ing ip route add default via 203.0.113.1 2>/dev/null || true
sleep 1

fi

echo "== ffmpeg pushes"
V=(-f lavfi -i "testsrc=size=1280x720:rate=30")
A=(-f lavfi -i "sine=frequency=1000:sample_rate=48000")
SRC=(-hide_banner -re "${V[@]}" "${A[@]}")
push() { cust timeout 60 ffmpeg "$@" 2>&1 || true; }
# nginx-rtmp ingest for the pushes that connect
NG="$RAW/ng"; mkdir -p "$NG/logs"; chmod 755 "$RAW" "$NG"
cat > "$NG/nginx.conf" <<NGINX
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
pid $NG/nginx.pid;
error_log $NG/logs/error.log;
worker_processes 1;
events { worker_connections 64; }
rtmp { server { listen $DEST:1935; application live { live on; } } }
NGINX
nsx nl-ing nginx -c "$NG/nginx.conf"
sleep 0.5

if want ffmpeg; then
echo "  codecs the FLV container cannot carry (the ingest is up)"
push "${SRC[@]}" -t 5 -c:v libx265 -preset ultrafast -c:a aac -f flv "rtmp://$DEST/live/hevc" | save ffmpeg-push-hevc-flv.txt
push "${SRC[@]}" -t 5 -c:v libvpx-vp9 -deadline realtime -c:a aac -f flv "rtmp://$DEST/live/vp9" | save ffmpeg-push-vp9-flv.txt
push "${SRC[@]}" -t 5 -c:v libx264 -preset veryfast -c:a libopus -f flv "rtmp://$DEST/live/opus" | save ffmpeg-push-opus-flv.txt
push "${SRC[@]}" -t 5 -c:v libx264 -preset veryfast -c:a libmp3lame -f flv "rtmp://$DEST/live/mp3" | save ffmpeg-push-mp3-48k-flv.txt

echo "  uplink limited to 1.5 Mbit/s, pushing 4 Mbit/s"
nsx nl-cpe tc qdisc add dev wan root tbf rate 1500kbit burst 32kbit latency 400ms
# nal-hrd=cbr pads to a true constant 4 Mbit/s (a test pattern alone compresses far below it)
push "${SRC[@]}" -t 25 -c:v libx264 -preset veryfast -b:v 4000k -minrate 4000k -maxrate 4000k -bufsize 2000k \
    -x264-params nal-hrd=cbr -g 60 \
    -c:a aac -b:a 128k -f flv "rtmp://$DEST/live/uplink" | save ffmpeg-push-slow-uplink.txt
nsx nl-cpe tc qdisc del dev wan root
echo "  encoder too slow: 1080p60 x264 veryslow"
push -hide_banner -re -f lavfi -i "testsrc2=size=1920x1080:rate=60" "${A[@]}" -t 20 -c:v libx264 -preset veryslow \
    -b:v 6000k -g 120 -c:a aac -b:a 128k -f flv "rtmp://$DEST/live/slowenc" | save ffmpeg-push-slow-encoder.txt
echo "  line goes down during a push"
( sleep 8; kill "$RELAY_PID" ) &
push "${SRC[@]}" -t 40 -c:v libx264 -preset veryfast -b:v 2500k -g 60 -c:a aac -f flv \
    -rw_timeout 5000000 "rtmp://$DEST/live/cut" | save ffmpeg-push-line-cut.txt
wait || true
RELAY_PID=""; relay 45 2
fi

if want srt; then
echo "== SRT"
SRT=(-hide_banner -re "${V[@]}" "${A[@]}" -t 5 -c:v libx264 -preset veryfast -b:v 2500k -g 60 -c:a aac -f mpegts)
nsx nl-ing srt-live-transmit "srt://:9000?mode=listener&passphrase=correcthorse123" "udp://127.0.0.1:5555" >/dev/null 2>&1 &
nsx nl-ing python3 "$HERE/srt_listener.py" 9003 "#!::r=live/show,m=publish" >/dev/null 2>&1 &
sleep 1
push "${SRT[@]}" "srt://$DEST:9000?passphrase=wrongpassword1" | save ffmpeg-srt-wrong-passphrase.txt
push "${SRT[@]}" "srt://$DEST:9000" | save ffmpeg-srt-passphrase-missing.txt
push "${SRT[@]}" "srt://$DEST:9003?streamid=#!::r=live/wrong,m=publish" | save ffmpeg-srt-streamid-rejected.txt
push "${SRT[@]}" "srt://$DEST:9001" | save ffmpeg-srt-wrong-port.txt
nsx nl-ing iptables -A INPUT -p udp --dport 9000 -j DROP
push "${SRT[@]}" "srt://$DEST:9000?passphrase=correcthorse123&connect_timeout=5000" | save ffmpeg-srt-udp-blocked.txt
nsx nl-ing iptables -D INPUT -p udp --dport 9000 -j DROP
push "${SRT[@]}" "srt://$DEST:9000?passphrase=correcthorse123" | save ffmpeg-srt-ok.txt
fi
kill "$(cat "$NG/nginx.pid")" 2>/dev/null || true
echo "done: samples in $OUT"
