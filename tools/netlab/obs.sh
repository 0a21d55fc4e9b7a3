#!/usr/bin/env bash
# Record real OBS Studio logs on the lab path (tools/netlab/topology.sh):
# connection refused, DNS failure, connect timeout, "already publishing",
# a reconnect loop refused right after each connect, dropped frames on a
# slow uplink, and the long-haul line going down mid-stream.  Run BY HAND AS
# ROOT on a lab machine, never in CI:
#
#   sudo bash tools/netlab/obs.sh [OUT_DIR [SCENARIO...]]
#
# SCENARIO: refused dns timeout duplicate reconnect uplink linedown healthy
# (all when none is given).
#
# Needs (Debian): obs-studio xvfb xauth nginx libnginx-mod-rtmp ffmpeg plus
# what topology.sh needs.  OBS runs headless under Xvfb inside the customer
# namespace with a throwaway HOME; --startstreaming starts the stream and
# obsctl.py stops it through obs-websocket (auth off, loopback in the
# namespace), so OBS writes its end-of-stream statistics.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-$HERE/../../tests/diagnostics/samples}"
shift || true
PARTS="${*:-refused dns timeout duplicate reconnect uplink linedown healthy}"
want() { [[ " $PARTS " == *" $1 "* ]]; }
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
W="$(mktemp -d /tmp/obslab.XXXXXX)"; chmod 755 "$W"
source "$HERE/topology.sh"
OBS_PID=""
trap '[ -n "$OBS_PID" ] && kill -- -"$OBS_PID" 2>/dev/null; [ -f "$W/nginx.pid" ] && kill "$(cat "$W/nginx.pid")"; lab_down; rm -rf "$W"' EXIT
lab_up
relay 45 2

mkdir -p "$W/logs"
cat > "$W/nginx.conf" <<NGINX
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
pid $W/nginx.pid;
error_log $W/logs/error.log;
worker_processes 1;
events { worker_connections 64; }
rtmp {
    server {
        listen $DEST:1935;
        application live { live on; }
        application secure { live on; on_publish http://127.0.0.1:8080/auth; }
    }
}
http {
    access_log $W/logs/access.log;
    client_body_temp_path $W/body;
    proxy_temp_path $W/proxy;
    fastcgi_temp_path $W/fcgi;
    uwsgi_temp_path $W/uwsgi;
    scgi_temp_path $W/scgi;
    server {
        listen 127.0.0.1:8080;
        location /auth { if (-f $W/allow) { return 200; } return 403; }
        location /control { rtmp_control all; }
    }
}
NGINX
nsx nl-ing nginx -c "$W/nginx.conf"
sleep 0.5

home() {  # home SERVER KEY BITRATE: a fresh OBS profile streaming there
    local H="$W/home"
    rm -rf "$H"; mkdir -p "$H/.config/obs-studio/basic/profiles/Lab" "$H/.config/obs-studio/basic/scenes"
    cat > "$H/.config/obs-studio/global.ini" <<G
[General]
FirstRun=true
LastVersion=486539266
EnableAutoUpdates=false
[OBSWebSocket]
FirstLoad=false
ServerEnabled=true
ServerPort=4455
AuthRequired=false
AlertsEnabled=false
ServerPassword=labonly
[Basic]
Profile=Lab
ProfileDir=Lab
SceneCollection=Lab
SceneCollectionFile=Lab
G
    cat > "$H/.config/obs-studio/basic/profiles/Lab/basic.ini" <<B
[General]
Name=Lab
[Output]
Mode=Simple
Reconnect=true
RetryDelay=2
MaxRetries=5
[SimpleOutput]
VBitrate=$3
ABitrate=128
StreamEncoder=x264
Preset=veryfast
[Video]
BaseCX=1280
BaseCY=720
OutputCX=1280
OutputCY=720
FPSCommon=30
B
    printf '{"type":"rtmp_custom","settings":{"server":"%s","key":"%s","use_auth":false}}' \
        "$1" "$2" > "$H/.config/obs-studio/basic/profiles/Lab/service.json"
    # A scene with a moving test pattern, so x264 has real work to do.
    cat > "$H/.config/obs-studio/basic/scenes/Lab.json" <<J
{"current_scene":"Scene","current_program_scene":"Scene","scene_order":[{"name":"Scene"}],"name":"Lab",
 "sources":[{"id":"scene","versioned_id":"scene","name":"Scene","uuid":"2c1c3d3e-0000-4000-8000-000000000001",
   "settings":{"items":[{"name":"Pattern","source_uuid":"2c1c3d3e-0000-4000-8000-000000000002","visible":true,"id":1,
     "pos":{"x":0.0,"y":0.0},"scale":{"x":1.0,"y":1.0},"rot":0.0,"align":5,"bounds_type":0,"bounds":{"x":0.0,"y":0.0},"bounds_align":0,"crop_left":0,"crop_top":0,"crop_right":0,"crop_bottom":0}],"id_counter":1},
   "enabled":true,"flags":0,"volume":1.0,"mixers":0,"sync":0,"muted":false},
  {"id":"ffmpeg_source","versioned_id":"ffmpeg_source","name":"Pattern","uuid":"2c1c3d3e-0000-4000-8000-000000000002",
   "settings":{"is_local_file":true,"local_file":"$W/pattern.mp4","looping":true},"enabled":true,"flags":0,"volume":1.0,"mixers":255,"sync":0,"muted":false}],
 "groups":[],"transitions":[],"current_transition":"Fade","transition_duration":300}
J
}
ffmpeg -hide_banner -loglevel error -f lavfi -i "testsrc2=size=1280x720:rate=30" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
    -t 20 -c:v libx264 -preset ultrafast -g 60 -c:a aac "$W/pattern.mp4"

obs_start() {  # OBS in a session of its own, so obs_end can end all of it
    HOME="$W/home" setsid ip netns exec nl-cust xvfb-run -a -s "-screen 0 1280x720x24" \
        obs --startstreaming --disable-updater --multi --disable-shutdown-check \
        >"$W/obs.out" 2>&1 </dev/null &
    OBS_PID=$!
}
obs_stop_stream() { cust python3 "$HERE/obsctl.py" StopStream >/dev/null 2>&1 || true; sleep 3; }
obs_end() {  # obs_end NAME: stop OBS and keep its log
    kill -- -"$OBS_PID" 2>/dev/null || true; sleep 2; OBS_PID=""
    local log; log="$(ls -t "$W"/home/.config/obs-studio/logs/*.txt | head -1)"
    echo "  -> $1"; cp "$log" "$OUT/$1"
}

if want refused; then
echo "== OBS: connection refused (nothing on port 1936)"
home "rtmp://$DEST:1936/live" show 2500; obs_start; sleep 12; obs_end obs29-linux-connection-refused.txt
fi
if want dns; then
echo "== OBS: DNS failure"
home "rtmp://ingest.streamline.invalid/live" show 2500; obs_start; sleep 10; obs_end obs29-linux-dns-failure.txt
fi
if want timeout; then
echo "== OBS: connect timeout (SYNs dropped)"
home "rtmp://203.0.113.20/live" show 2500; obs_start; sleep 40; obs_end obs29-linux-connect-timeout.txt
fi
if want duplicate; then
echo "== OBS: already publishing (another encoder holds the key)"
cust timeout 60 ffmpeg -hide_banner -re -f lavfi -i "testsrc=size=640x360:rate=30" -c:v libx264 -preset ultrafast \
    -t 50 -f flv "rtmp://$DEST/live/dup" >/dev/null 2>&1 &
FIRST=$!
sleep 3
home "rtmp://$DEST/live" dup 2500; obs_start; sleep 15; obs_end obs29-linux-already-publishing.txt
wait "$FIRST" || true
fi
if want reconnect; then
echo "== OBS: reconnect loop, each publish refused right after connecting"
touch "$W/allow"
home "rtmp://$DEST/secure" show 2500; obs_start; sleep 10
rm -f "$W/allow"
nsx nl-ing curl -s "http://127.0.0.1:8080/control/drop/publisher?app=secure&name=show" >/dev/null || true
sleep 35; obs_end obs29-linux-reconnect-refused.txt
fi
if want uplink; then
echo "== OBS: uplink limited to 1.5 Mbit/s, streaming 4000 kbps"
nsx nl-cpe tc qdisc add dev wan root tbf rate 1500kbit burst 32kbit latency 400ms
home "rtmp://$DEST/live" show 4000; obs_start; sleep 40; obs_stop_stream; obs_end obs29-linux-dropped-frames-uplink.txt
nsx nl-cpe tc qdisc del dev wan root
fi
if want linedown; then
echo "== OBS: the long-haul line goes down mid-stream"
home "rtmp://$DEST/live" show 2500; obs_start; sleep 10; relay_stop; sleep 45; obs_end obs29-linux-line-down.txt
relay 45 2
fi
if want healthy; then
echo "== OBS: a second stream on the key right after the line-down run (the ingest may still hold the dead session)"
home "rtmp://$DEST/live" show 2500; obs_start; sleep 22; obs_stop_stream; obs_end obs29-linux-stale-publisher.txt
fi
echo "done"
