"""The bilingual catalogue of the diagnosis's texts: code -> (English, Chinese).

Placeholders are ``str.format`` fields; numbers keep their format in both
languages and evidence lines are quoted unchanged.  Every code that
:mod:`.analysis`, :mod:`.engine` and :mod:`.destinations` use must be here
(a test checks).
"""

from __future__ import annotations

from .messages import normalise_lang

CATALOGUE: dict[str, tuple[str, str]] = {
    "raw": ("{text}", "{text}"),
    # ---------------------------------------------------------------- paths
    "icmp.net-unreachable": ("network unreachable", "目标网络不可达"),
    "icmp.host-unreachable": ("host unreachable", "目标主机不可达"),
    "icmp.prohibited": ("administratively prohibited", "被管理策略禁止"),
    "path.dead.error": (
        "The trace ends at hop {hop}: router {host} answers \"{error}\" instead of passing the "
        "probes on. The ingest cannot be reached over this path: the line or the route beyond "
        "hop {hop} is down.",
        "路由追踪在第 {hop} 跳结束：路由器 {host} 回复“{error}”，没有继续转发。经这条路径无法到达"
        "推流服务器：第 {hop} 跳之后的线路或路由中断。",
    ),
    "path.dead.silent": (
        "Every probe from hop {hop} to the end went unanswered; the last hop that answered is "
        "hop {last} ({host}). Nothing gets through beyond it: the host is unreachable or the "
        "line is down, this is not packet loss.",
        "从第 {hop} 跳到最后，所有探测都没有回应；最后有回应的是第 {last} 跳（{host}）。之后什么都"
        "过不去：主机不可达或线路中断，这不是丢包。",
    ),
    "path.loss.last-mile": (
        "Loss starts at hop {hop} ({host}), on the customer side (home/office network or access "
        "ISP), and persists to the destination ({loss:g}% there).",
        "丢包从第 {hop} 跳（{host}）开始，位于客户侧（家庭/办公网络或接入运营商），并一直持续到"
        "目的地（目的地丢包 {loss:g}%）。",
    ),
    "path.loss.last-mile.jump": (
        "Loss starts at hop {hop} ({host}), before the long-haul jump (hops {jump_from}->"
        "{jump_to}): the customer's network or access ISP, not the cross-border segment. It "
        "persists to the destination ({loss:g}% there).",
        "丢包从第 {hop} 跳（{host}）开始，在长途跳变（第 {jump_from}->{jump_to} 跳）之前：属于客户"
        "网络或接入运营商，不是跨境段。丢包一直持续到目的地（目的地 {loss:g}%）。",
    ),
    "path.loss.transit": (
        "Loss starts at hop {hop} ({host}), beyond the customer's network and access ISP, and "
        "persists to the destination ({loss:g}% there): the link into hop {hop} is losing "
        "packets.",
        "丢包从第 {hop} 跳（{host}）开始，已超出客户网络和接入运营商，并一直持续到目的地（目的地 "
        "{loss:g}%）：进入第 {hop} 跳的链路在丢包。",
    ),
    "path.loss.transit.jump": (
        "Loss starts at hop {hop} ({host}), at the long-haul jump (hops {jump_from}->{jump_to}), "
        "and persists to the destination ({loss:g}% there): the cross-border segment is losing "
        "packets.",
        "丢包从第 {hop} 跳（{host}）开始，正处在长途跳变（第"
        " {jump_from}->{jump_to} 跳），并一直持续"
        "到目的地（目的地 {loss:g}%）：跨境段在丢包。",
    ),
    "path.clean": (
        "The trace reaches its destination with no loss that persists ({loss:g}% at the "
        "destination, {hops} hops).",
        "路由追踪到达目的地，没有持续的丢包（目的地 {loss:g}%，共 {hops} 跳）。",
    ),
    "path.rate-limit": (
        "Hop {hop} ({host}) shows {loss:g}% loss but later hops do not: that router rate-limits "
        "its ICMP replies; this is not path loss.",
        "第 {hop} 跳（{host}）显示 {loss:g}% 丢包，但之后的跳没有：该路由器对 ICMP 回复限速，"
        "这不是路径丢包。",
    ),
    "path.jitter": (
        "RTT to the destination varies widely (standard deviation {spread:g} ms around an "
        "average of {avg:g} ms, {best:g}-{worst:g} ms) with little loss: jitter, from hop {hop} "
        "({host}) on.",
        "到目的地的 RTT 波动很大（平均 {avg:g} ms，标准差 {spread:g} ms，范围 {best:g}-{worst:g} "
        "ms），丢包很少：这是抖动，从第 {hop} 跳（{host}）开始。",
    ),
    "path.jitter.long-haul": (
        "RTT to the destination varies widely (standard deviation {spread:g} ms around an "
        "average of {avg:g} ms, {best:g}-{worst:g} ms) with little loss, from hop {hop} "
        "({host}) on, the far end of the long-haul jump: jitter on the cross-border segment, "
        "although the average looks normal.",
        "到目的地的 RTT 波动很大（平均 {avg:g} ms，标准差 {spread:g} ms，范围 {best:g}-{worst:g} "
        "ms），丢包很少，从长途跳变的远端第 {hop} 跳"
        "（{host}）开始：跨境段存在抖动，尽管平均值看起来"
        "正常。",
    ),
    "path.jitter.customer": (
        "RTT varies widely from hop {hop} ({host}) on, inside the customer's network (standard "
        "deviation {spread:g} ms at the destination, {best:g}-{worst:g} ms): local jitter "
        "(Wi-Fi, a busy uplink, bufferbloat).",
        "从第 {hop} 跳（{host}）起 RTT 波动很大，位于"
        "客户网络内部（目的地标准差 {spread:g} ms，范围 "
        "{best:g}-{worst:g} ms）：本地抖动（Wi-Fi、上行拥塞、缓冲膨胀）。",
    ),
    "path.carrier.standard": (
        "From hop {hop} ({host}) the route runs over {carrier}, the carrier's standard network: "
        "its international links are often congested at China's evening peak (about "
        "19:00-23:00 Beijing time); the premium networks (China Telecom CN2, China Unicom "
        "9929) are far less affected.",
        "从第 {hop} 跳（{host}）起，路由走{carrier}，这是该运营商的普通网络：其国际出口在国内"
        "晚高峰（北京时间约 19:00-23:00）经常拥塞；精品网络（电信 CN2、联通 9929）受影响小得多。",
    ),
    "path.carrier.premium": (
        "From hop {hop} ({host}) the route runs over {carrier}, the carrier's premium network "
        "for international traffic.",
        "从第 {hop} 跳（{host}）起，路由走{carrier}，这是该运营商面向国际业务的精品网络。",
    ),
    "path.carrier.other": (
        "From hop {hop} ({host}) the route runs over {carrier}.",
        "从第 {hop} 跳（{host}）起，路由走{carrier}。",
    ),
    "carrier.ct-163": (
        "China Telecom 163 (ChinaNet, AS4134)",
        "中国电信 163 骨干网（ChinaNet，AS4134）",
    ),
    "carrier.ct-cn2": ("China Telecom CN2 (AS4809)", "中国电信 CN2（AS4809）"),
    "carrier.cu-169": ("China Unicom 169 (AS4837)", "中国联通 169 骨干网（AS4837）"),
    "carrier.cu-9929": ("China Unicom 9929 (CUII, AS9929)", "中国联通 9929（CUII，AS9929）"),
    "carrier.cu-cug": ("China Unicom Global (CUG, AS10099)", "联通国际 CUG（AS10099）"),
    "carrier.cm-cmnet": ("China Mobile CMNET (AS9808)", "中国移动 CMNET（AS9808）"),
    "carrier.cm-cmi": ("China Mobile International (CMI, AS58453)", "中国移动国际 CMI（AS58453）"),
    "carrier.cm-cmin2": ("China Mobile CMIN2 (AS58807)", "中国移动 CMIN2（AS58807）"),
    "path.long-haul": (
        "RTT jumps by {step} ms between hop {a} ({a_host}) and hop {b} ({b_host}): a long-haul "
        "(often cross-border) segment.",
        "第 {a} 跳（{a_host}）到第 {b} 跳（{b_host}"
        "）之间 RTT 增加 {step} ms：这是长途（通常是跨境）"
        "链路。",
    ),
    "path.rtt.expected": (
        "Average RTT to the destination is {rtt:g} ms, stable, and the long-haul jump ({step} ms) "
        "accounts for it: that is the distance, expected for this route, not a fault.",
        "到目的地的平均 RTT 为 {rtt:g} ms，且稳定，长途跳变（{step} ms）解释了它：这是距离造成的，"
        "对这条线路是正常的，不是故障。",
    ),
    "path.rtt.high": (
        "Average RTT to the destination is {rtt:g} ms.",
        "到目的地的平均 RTT 为 {rtt:g} ms。",
    ),
    "path.customer-hops.one": (
        "Hop {hops} is a private or CGNAT address: the customer's network and the access ISP's "
        "NAT (last mile).",
        "第 {hops} 跳是私有或运营商级 NAT 地址：属于客户网络和接入运营商的 NAT（最后一公里）。",
    ),
    "path.customer-hops": (
        "Hops {hops} are private or CGNAT addresses: the customer's network and the access ISP's "
        "NAT (last mile).",
        "第 {hops} 跳是私有或运营商级 NAT 地址：属于客户网络和接入运营商的 NAT（最后一公里）。",
    ),
    "path.ipv6": ("The trace ran over IPv6.", "这次路由追踪走的是 IPv6。"),
    # ----------------------------------------------------------------- ping
    "ping.mtu-black-hole": (
        "Every {size}-byte ping was lost: large packets die on the path (MTU black hole). "
        "Compare with a small ping.",
        "所有 {size} 字节的 ping 都丢了：大包在路径上被丢弃（MTU 黑洞）。请与小包 ping 对比。",
    ),
    "ping.unreachable": (
        "{count} replies were ICMP errors (unreachable) from {host}, not echo replies: the path "
        "ends at that router.",
        "{count} 个回复是来自 {host} 的 ICMP 错误（不可达），不是回显应答：路径在该路由器处中断。",
    ),
    "ping.frag-needed": (
        "{count} pings sent with \"don't fragment\" were refused as too large (\"fragmentation "
        "needed\"): a link on the way, or the sender's own interface (a VPN, GRE or IPsec "
        "tunnel, PPPoE), carries smaller packets. Large stream packets are lost there unless "
        "the MTU or TCP MSS is lowered.",
        "{count} 个设置了“不分片”的 ping 因包太大被拒绝（“需要分片”）：路径上某段链路或发送端自己的"
        "接口（VPN、GRE/IPsec 隧道、PPPoE）只能承载更小的包。不降低 MTU 或 TCP MSS，推流的大包会在"
        "那里丢失。",
    ),
    "ping.unreachable.unnamed": (
        "{count} replies were ICMP errors (unreachable), not echo replies: a router on the path "
        "has no route to the target, and the path ends there.",
        "{count} 个回复是 ICMP 错误（不可达），不是回显应答：路径上有路由器没有到目标的路由，"
        "路径在那里中断。",
    ),
    "ping.unreachable.local": (
        "{count} replies were ICMP errors (unreachable) from {host}, an address of the "
        "customer's own network: the local gateway has no route to the target.",
        "{count} 个回复是来自 {host} 的 ICMP 错误（不可达），这是客户自己网络里的地址：本地网关没有"
        "到目标的路由。",
    ),
    "ping.ttl-set": (
        "{count} replies say the TTL expired in transit, as the TTL set on the command line "
        "asks for: not a fault.",
        "{count} 个回复显示 TTL 在传输中过期，这正是命令行设置的 TTL 所要求的：不是故障。",
    ),
    "name.unresolved": (
        "{name} did not resolve to an address, so nothing was sent: the name is mistyped, or "
        "this computer's DNS server does not answer for it. Check the name, then run "
        "nslookup {name}.",
        "{name} 无法解析成 IP 地址，所以一个探测包也没有发出：域名写错了，或本机使用的 DNS "
        "服务器解析不了它。先核对域名，再运行 nslookup {name}。",
    ),
    "ping.unsent": (
        "This computer could not send {count} of the pings: at that moment it had no route to "
        "the target (the Wi-Fi or network adapter dropped, a VPN took over the routes, no "
        "default gateway) or its own firewall refused them. Those pings never left the "
        "computer: that loss is on this machine, not on the path.",
        "本机有 {count} 个 ping 根本没有发出去：当时本机没有到目标的路由（Wi-Fi 或网卡掉线、"
        "VPN 接管了路由、没有默认网关），或被本机防火墙拦截。这些包没有离开这台电脑：这部分丢包"
        "在本机，不在线路上。",
    ),
    "ping.unsent.none": (
        "This computer has no route to the target, so ping sent nothing: check that the network "
        "adapter or Wi-Fi is connected and has a default gateway (ip route, or route print on "
        "Windows), and whether a VPN is running.",
        "本机没有到目标的路由，ping 一个包也没有发出：检查网卡或 Wi-Fi 是否已连接并有默认网关"
        "（ip route，Windows 上用 route print），以及是否开着 VPN。",
    ),
    "path.unsent": (
        "This computer could not send the trace's probes: it had no route to the target at "
        "that moment (the Wi-Fi, tethering or network adapter dropped, a VPN took over the "
        "routes, no default gateway). The trace stops on this machine, not in the network.",
        "本机无法发出路由跟踪的探测包：当时本机没有到目标的路由（Wi-Fi、手机热点或网卡掉线、"
        "VPN 接管了路由、没有默认网关）。跟踪停在本机，而不是网络中。",
    ),
    "ping.total-loss": (
        "All {sent} pings were lost (100% loss): the host is unreachable or the line is down. "
        "This is not packet loss on a working path.",
        "全部 {sent} 个 ping 都丢失（100% 丢包）：主机不可达或线路中断。这不是正常路径上的丢包。",
    ),
    "ping.loss": (
        "{loss:g}% of pings were lost ({received}/{sent} received); a path trace is needed to "
        "locate it.",
        "{loss:g}% 的 ping 丢失（收到 {received}/{sent}）；需要路由追踪来定位。",
    ),
    "ping.loss.uncounted": (
        "{loss:g}% of {sent} pings were lost; a path trace is needed to locate it.",
        "{sent} 个 ping 丢失了 {loss:g}%；需要路由追踪来定位。",
    ),
    "ping.loss.few": (
        "{loss:g}% of pings were lost, but that is one ping of {sent}: too few to measure a loss "
        "rate. Run at least 100 pings and a path trace.",
        "{loss:g}% 的 ping 丢失，但只是 {sent} 个中的 1 个：样本太少，无法衡量丢包率。请至少 ping "
        "100 次并做路由追踪。",
    ),
    "ping.jitter.consecutive": (
        "Jitter is {jitter:g} ms (mean difference between consecutive replies; RTT "
        "{min:g}/{avg:g}/{max:g} ms min/avg/max).",
        "抖动为 {jitter:g} ms（相邻回复的平均差值；RTT 最小"
        "/平均/最大 {min:g}/{avg:g}/{max:g} ms）。",
    ),
    "ping.jitter.mdev": (
        "Jitter is {jitter:g} ms (ping's mdev; RTT {min:g}/{avg:g}/{max:g} ms min/avg/max).",
        "抖动为 {jitter:g} ms（ping 的 mdev；RTT 最小/平均/最大 {min:g}/{avg:g}/{max:g} ms）。",
    ),
    "ping.jitter.stddev": (
        "Jitter is {jitter:g} ms (ping's stddev; RTT {min:g}/{avg:g}/{max:g} ms min/avg/max).",
        "抖动为 {jitter:g} ms（ping 的 stddev；RTT 最小/平均/最大 {min:g}/{avg:g}/{max:g} ms）。",
    ),
    "ping.rtt.stable": (
        "Average RTT is {rtt:g} ms and stable: what a long-haul (cross-border) route costs "
        "(about 200 ms China-Europe), not a fault by itself.",
        "平均 RTT 为 {rtt:g} ms 且稳定：这是长途（跨境）线路的正常代价（中国到欧洲约 200 ms），"
        "本身不是故障。",
    ),
    "ping.rtt.high": ("Average RTT is {rtt:g} ms.", "平均 RTT 为 {rtt:g} ms。"),
    # --------------------------------------------------------------- errors
    "error.connection_refused": (
        "{source} reports connection refused.",
        "{source} 报告连接被拒绝。",
    ),
    "error.timeout": ("{source} reports a timeout.", "{source} 报告连接超时。"),
    "error.dns_failure": ("{source} reports a DNS failure.", "{source} 报告域名解析失败。"),
    "error.forbidden": (
        "{source} reports that the server refused the stream (forbidden).",
        "{source} 报告服务器拒绝了推流（禁止访问）。",
    ),
    "error.not_found": ("{source} reports not found.", "{source} 报告找不到资源。"),
    "error.already_publishing": (
        "{source} reports that the stream is already being published.",
        "{source} 报告该流已经在推送（流名被占用）。",
    ),
    "error.tls_error": (
        "{source} reports a TLS/encryption handshake error.",
        "{source} 报告 TLS/加密握手错误。",
    ),
    "error.broken_pipe": (
        "{source} reports the connection was cut (broken pipe / reset).",
        "{source} 报告连接被断开（broken pipe / reset）。",
    ),
    "error.message_too_long": (
        "{source} reports message too long (packets above the path MTU).",
        "{source} 报告消息过长（数据包超过路径 MTU）。",
    ),
    "ffmpeg.direction.push": ("push", "推流"),
    "ffmpeg.direction.pull": ("pull", "拉流"),
    "ffmpeg.direction.stream": ("stream", "流"),
    "error.connection_refused.ffmpeg": (
        "ffmpeg ({direction}) reports connection refused: nothing accepts connections at that "
        "address and port.",
        "ffmpeg（{direction}）报告连接被拒绝：该地址和端口上没有服务接受连接。",
    ),
    "error.timeout.ffmpeg": (
        "ffmpeg ({direction}) reports a connection timeout: no answer from that address and "
        "port (firewall, wrong host, or the path is down).",
        "ffmpeg（{direction}）报告连接超时：该地址和端口没有回应（防火墙、主机写错或路径中断）。",
    ),
    "error.dns_failure.ffmpeg": (
        "ffmpeg ({direction}) reports a DNS failure: the host name does not resolve.",
        "ffmpeg（{direction}）报告域名解析失败：主机名无法解析。",
    ),
    "error.forbidden.ffmpeg": (
        "ffmpeg ({direction}) reports forbidden: the server refused the request (key, token or "
        "signature).",
        "ffmpeg（{direction}）报告禁止访问：服务器拒绝了请求（推流码、令牌或签名）。",
    ),
    "error.not_found.ffmpeg": (
        "ffmpeg ({direction}) reports not found.",
        "ffmpeg（{direction}）报告找不到资源。",
    ),
    "error.already_publishing.ffmpeg": (
        "ffmpeg ({direction}) reports the stream is already being published.",
        "ffmpeg（{direction}）报告该流已经在推送（流名被占用）。",
    ),
    "error.tls_error.ffmpeg": (
        "ffmpeg ({direction}) reports a TLS handshake error.",
        "ffmpeg（{direction}）报告 TLS 握手错误。",
    ),
    "error.broken_pipe.ffmpeg": (
        "ffmpeg ({direction}) reports the connection was cut (broken pipe / reset).",
        "ffmpeg（{direction}）报告连接被断开（broken pipe / reset）。",
    ),
    "error.message_too_long.ffmpeg": (
        "ffmpeg ({direction}) reports message too long (packets above the path MTU).",
        "ffmpeg（{direction}）报告消息过长（数据包超过路径 MTU）。",
    ),
    "ffmpeg.incompatible.video": (
        "ffmpeg refuses the video codec ({codec}) when writing the {container} header: the output "
        "container cannot carry it. This is a codec choice, not a connection problem.",
        "ffmpeg 在写 {container} 头时拒绝了视频编"
        "码（{codec}）：输出容器无法承载它。这是编码选择问题，"
        "不是连接问题。",
    ),
    "ffmpeg.incompatible.audio": (
        "ffmpeg refuses the audio stream ({codec}) when writing the {container} header: the "
        "output container cannot carry that audio codec or sample rate. This is a codec choice, "
        "not a connection problem.",
        "ffmpeg 在写 {container} 头时拒绝了音频流（{codec}）：输出容器无法承载该音频编码或采样率。"
        "这是编码选择问题，不是连接问题。",
    ),
    "ffmpeg.srt.passphrase": (
        "The SRT listener rejected the handshake because the passphrase is wrong or missing "
        "(encryption settings do not match).",
        "SRT 监听端因密码错误或缺失拒绝了握手（加密设置不一致）。",
    ),
    "ffmpeg.srt.streamid": (
        "The SRT listener rejected the connection for its stream id (its access check refused "
        "it): the streamid or key is wrong or not allowed.",
        "SRT 监听端因 streamid 拒绝了连接（访问检查未通过）：streamid 或密钥错误或未被授权。",
    ),
    "ffmpeg.srt.peer": (
        "The SRT listener rejected the connection.",
        "SRT 监听端拒绝了连接。",
    ),
    "ffmpeg.srt.timeout": (
        "The SRT connection was never set up and no rejection came back: the handshake timed "
        "out. UDP to that port is blocked or nothing listens on it.",
        "SRT 连接没有建立，也没有收到拒绝：握手超时。到该端口的 UDP 被封锁，或端口上没有服务监听。",
    ),
    "gstreamer.srt.broken": (
        "GStreamer's srtsink reports the SRT connection broken or closed: the listener closed it, "
        "or nothing came back from it for SRT's peer idle timeout (5 s by default). If the push "
        "never started, the handshake is not getting through (UDP blocked); if it ran for a "
        "while, the path or the listener dropped it.",
        "GStreamer 的 srtsink 报告 SRT 连接已断开或关闭：监听端关闭了连接，"
        "或者在 SRT 的对端空闲超时（默认 5 秒）内没有收到对端任何数据。"
        "如果推流从未开始，说明握手过不去（UDP 被封锁）；"
        "如果推了一段时间才断，说明是路径或监听端断开了连接。",
    ),
    "obs.whip.ice-failed": (
        "The WHIP endpoint accepted the stream, but the WebRTC media connection (ICE) never "
        "connected: UDP between this network and the media server is blocked or throttled. "
        "Allow outbound UDP on this network, or push over RTMPS on port 443 from here.",
        "WHIP 接口接受了推流，但 WebRTC 的媒体连接（ICE）一直没有建立：当前网络和媒体服务器之间的 "
        "UDP 被封锁或限速。请在这个网络上放行出方向 UDP，或者改用 443 端口的 RTMPS 推流。",
    ),
    "ffmpeg.mid-stream.timeout": (
        "The push was running and then its connection timed out: the path stopped carrying "
        "traffic mid-stream.",
        "推流正在进行时连接超时：路径在推流中途不再传输数据。",
    ),
    "ffmpeg.mid-stream.broken_pipe": (
        "The push was running and then the connection was cut (aborted or reset).",
        "推流正在进行时连接被断开（中止或重置）。",
    ),
    "ffmpeg.mid-stream.connection_refused": (
        "The push was running and then a reconnect was refused.",
        "推流进行中，随后重连被拒绝。",
    ),
    "ffmpeg.closed-by-server": (
        "The ingest accepted the connection and then closed the publish with no reason given; a "
        "refused stream key or auth callback does this.",
        "推流服务器接受了连接，随后在没有说明原因的情况下关闭了发布；推流码被拒或鉴权回调失败会这"
        "样。",
    ),
    "ffmpeg.slow.uplink": (
        "The push runs slower than real time (speed {speed:g}x) with a light encoder: the uplink "
        "cannot carry the configured bitrate.",
        "推流速度低于实时（speed {speed:g}x），而编码设置很轻：上行带宽承载不了设定的码率。",
    ),
    "ffmpeg.slow.encoder": (
        "The push runs slower than real time (speed {speed:g}x) with heavy encoder settings: "
        "the encoder cannot keep up.",
        "推流速度低于实时（speed {speed:g}x），且编码设置很重：编码器跟不上。",
    ),
    "ffmpeg.muxing-queue": (
        "ffmpeg gave up before sending anything: one output stream never got its first packet "
        "while the others' piled up. An input delivers nothing, most often the audio (a device "
        "another program holds, an SDI or NDI signal without embedded audio).",
        "ffmpeg 还没发出任何数据就放弃了：某一路输出流一直没有第一个包，其他流的包越攒越多。"
        "有一路输入没有数据送进来，多半是音频（采集设备被别的程序占用、SDI / NDI 信号里"
        "没有嵌入音频）。",
    ),
    "ffmpeg.odd-frame-size": (
        "x264 refused the frame size {size}: 4:2:0 video needs an even width and height, so the "
        "encoder never opened and nothing was sent. Scale to even numbers before the encoder, "
        "for example -vf \"scale=trunc(iw/2)*2:trunc(ih/2)*2\".",
        "x264 拒绝了 {size} 这个分辨率：4:2:0 要求宽高都是偶数，编码器没能打开，什么也没推出去。"
        "请在进编码器之前把分辨率取成偶数，例如 -vf \"scale=trunc(iw/2)*2:trunc(ih/2)*2\"。",
    ),
    "ffmpeg.damaged": (
        "ffmpeg received damaged media {count} times (corrupt packets, undecodable blocks): "
        "loss on the way that the transport could not repair.",
        "ffmpeg 收到 {count} 次损坏的数据（损坏的包、无法解码的宏块）：传输途中的丢包没能修复。",
    ),
    "ffmpeg.dts": (
        "ffmpeg saw {count} non-monotonous DTS warnings (timestamp jumps).",
        "ffmpeg 出现 {count} 次 non-monotonous DTS 警告（时间戳跳变）。",
    ),
    # -------------------------------------------------------------- settings
    "settings.keyint": (
        "{source} keyframe interval is {keyint:g} s; ingest and players expect 2 s.",
        "{source} 的关键帧间隔为 {keyint:g} 秒；推流服务器和播放器要求 2 秒。",
    ),
    "settings.keyint.auto": (
        "{source} keyframe interval is auto; ingest and players expect 2 s.",
        "{source} 的关键帧间隔为自动；推流服务器和播放器要求 2 秒。",
    ),
    "settings.sample-rate": (
        "{source} audio sample rate is {rate} Hz.",
        "{source} 的音频采样率为 {rate} Hz。",
    ),
    "settings.codec": (
        "{source} sends {what}, which classic RTMP ingest and many players reject.",
        "{source} 发送的是 {what}，传统 RTMP 推流服务器和很多播放器不支持。",
    ),
    "settings.audio-codec": (
        "{source} sends {codec} audio; ingest expects AAC.",
        "{source} 发送的是 {codec} 音频；推流服务器要求 AAC。",
    ),
    "settings.mp3-48k": (
        "{source} sends MP3 audio at 48 kHz in FLV, which has no 48 kHz flag: it is stored "
        "marked as 44.1 kHz and plays wrong or not at all; send AAC.",
        "{source} 在 FLV 中发送 48 kHz 的 MP3 音频，而 FLV 没有 48 kHz 标记：它会被标成 44.1 kHz，"
        "播放出错或没有声音；请改用 AAC。",
    ),
    "settings.bframes": (
        "{source} uses {bframes} B-frames; WebRTC playback breaks.",
        "{source} 使用了 {bframes} 个 B 帧；WebRTC 播放会出问题。",
    ),
    # ------------------------------------------------------------------ OBS
    "obs.dropped": (
        "{source} dropped {pct:g}% of frames because the network could not carry the stream "
        "(insufficient bandwidth / connection stalls).",
        "{source} 因网络承载不了推流而丢弃了 {pct:g}% 的帧（带宽不足 / 连接停滞）。",
    ),
    "obs.skipped": (
        "The encoder skipped {pct:g}% of frames (encoding lag).",
        "编码器跳过了 {pct:g}% 的帧（编码延迟）。",
    ),
    "obs.lagged": (
        "Rendering missed {pct:g}% of frames (GPU/scene load).",
        "渲染丢失了 {pct:g}% 的帧（GPU/场景负载）。",
    ),
    "obs.refused-loop": (
        "OBS connected and was cut within seconds, {count} times in a row: the ingest refuses the "
        "publish right after connecting. That is the stream key (wrong or expired) or another "
        "encoder already publishing on it, not the network.",
        "OBS 连接成功后几秒内就被断开，连续 {count} 次：推流服务器在连接后立即拒绝发布。这是推流码"
        "（错误或过期）或已有其他编码器在用同一推流码，不是网络问题。",
    ),
    "obs.reconnect-failing": (
        "The stream disconnected ({disconnects} time(s)) and {failed} reconnect attempts could "
        "not connect at all: the ingest or the line to it is unreachable.",
        "推流断开（{disconnects} 次），之后 {failed} 次重连都无法建立连接：推流服务器或通往它的线路"
        "不可达。",
    ),
    "obs.disconnects": (
        "The stream disconnected {count} time(s).",
        "推流断开了 {count} 次。",
    ),
    "obs.disconnects.reconnect": (
        "The stream disconnected {count} time(s) and OBS tried to reconnect {attempts} time(s).",
        "推流断开了 {count} 次，OBS 尝试重连 {attempts} 次。",
    ),
    # --------------------------------------------------------- destinations
    "dest.rtmps-required": (
        "The push goes to {platform} ({host}) over plain rtmp://; {platform} accepts RTMPS "
        "(rtmps:// on port 443) only.",
        "推流以明文 rtmp:// 发往 {platform}（{host}）；{platform} 只接受 RTMPS（443 端口上的 "
        "rtmps://）。",
    ),
    "dest.platform-dropped": (
        "The push to {platform} ({host}) was cut while live.",
        "发往 {platform}（{host}）的推流在直播中被断开。",
    ),
    "dest.platform-failed": (
        "The push to the third-party platform {platform} ({host}) failed; check the platform "
        "key or signed URL, RTMPS, the platform's stream rules and where the relay runs.",
        "发往第三方平台 {platform}（{host}）的推"
        "流失败；请检查平台推流码或签名地址、RTMPS、平台的推流"
        "规则以及转推运行的位置。",
    ),
    "dest.rtmps-push-unsupported": (
        "nginx-rtmp refuses an rtmps:// push target: its push speaks plain RTMP only; wrap it in "
        "TLS locally or relay with ffmpeg.",
        "nginx-rtmp 不接受 rtmps:// 转推目标：它的 push 只支持明文 RTMP；请在本地加 TLS 封装或改用 "
        "ffmpeg 转推。",
    ),
    "dest.overseas-platform-blocked": (
        "The connection to {platform} ({host}) itself failed (reset, timeout or refused), not "
        "the stream: from mainland China this path is filtered.",
        "到 {platform}（{host}）的连接本身失败"
        "了（重置、超时或拒绝），不是推流的问题：从中国大陆出发"
        "这条路径会被过滤。",
    ),
    "dest.mainland-platform-blocked": (
        "The connection to {platform} ({host}) itself failed (reset, timeout or refused), not "
        "the stream: from abroad it crosses the border on the public internet.",
        "到 {platform}（{host}）的连接本身失败"
        "了（重置、超时或拒绝），不是推流的问题：从境外出发它要"
        "经公网跨境。",
    ),
    "dest.tls-reset": (
        "The TLS handshake was cut by a TCP reset before any certificate arrived: typical of "
        "filtering by server name (SNI) on the path, not of a certificate problem.",
        "TLS 握手在收到证书之前就被 TCP 重置切断：这"
        "是路径上按服务器名（SNI）过滤的典型表现，不是证书"
        "问题。",
    ),
    "dest.dns-forged": (
        "DNS answered with an address that cannot be genuine ({reasons}): a poisoned answer on "
        "the path. Compare with an off-path resolver.",
        "DNS 返回了不可能真实的地址（{reasons}）：路径上的污染应答。请与路径外的解析器对比。",
    ),
    "dest.route-via-tunnel": (
        "The route leaves through the tunnel device {device}: a VPN or accelerator carries the "
        "traffic.",
        "路由经隧道设备 {device} 出去：流量由 VPN 或加速器承载。",
    ),
    # ------------------------------------------------ HTTP answers (curl -I)
    "http.the-request": ("The server", "服务器"),
    "http.http-forbidden": (
        "{targets} answered HTTP {status}: a rule of the playback domain refused the request "
        "(the Referer allowlist, the signed URL's token or its expiry, or region access "
        "control), not the network. Find which rule it is before changing anything.",
        "{targets} 返回 HTTP {status}：是播放域名的访问控制规则拒绝了请求（Referer 白名单、URL "
        "鉴权的 token 或其过期时间、或区域访问控制），不是网络问题。改配置之前先确定是哪一条规则。",
    ),
    "http.http-not-found": (
        "{targets} answered HTTP {status}: the request reached the edge, which has no such "
        "stream or file. The stream is not live under that name, the app or stream name "
        "differs from the push address, or a transcoding suffix is not bound to the domain.",
        "{targets} 返回 HTTP {status}：请求已经到达边缘节点，但那里没有这路流或这个文件。可能流"
        "没有以这个名字在推，应用名或流名与推流地址不一致，或者转码后缀没有绑定到该域名。",
    ),
    "http.http-ok": (
        "{targets} answered HTTP {status}: fetching works from this network. If viewers "
        "elsewhere cannot play, run the same test from their network.",
        "{targets} 返回 HTTP {status}：从当前网络可以正常拉取这个地址。如果别处的观众播放不了，"
        "请在他们的网络里做同样的测试。",
    ),
    "http.http-too-many": (
        "{targets} answered HTTP {status}: the playback domain refused the request because a "
        "limit was reached (requests, concurrent viewers or bandwidth), not the network. Compare "
        "the time with the usage graphs of the domain.",
        "{targets} 返回 HTTP {status}：播放域名因为达到了限制（请求数、并发观众数或带宽）"
        "而拒绝了请求，不是网络问题。请把出错时间和该域名的用量图对照。",
    ),
    # ------------------------------------------ web players and the browser
    "player.the-stream": (
        "the stream",
        "这路流",
    ),
    "player.browser-cors-blocked": (
        "The browser blocked the player's request for {targets}: the response had no "
        "Access-Control-Allow-Origin header that allows the page's origin (CORS). The stream is "
        "there; the playback domain must send that header for the page's domain.",
        "浏览器拦截了播放器对 {targets} 的请求：响应里没有允许该页面来源的 "
        "Access-Control-Allow-Origin 头（跨域 CORS）。流本身是在的；"
        "需要在播放域名上为页面所在的域名返回这个头。",
    ),
    "player.browser-mixed-content": (
        "The browser blocked {targets}: an http:// stream on an https:// page (mixed content). "
        "Play it over https:// from a playback domain with a certificate; the stream itself is "
        "not at fault.",
        "浏览器拦截了 {targets}：https:// 页面里加载了 http:// 的流（混合内容）。"
        "请改用配好证书的播放域名，通过 https:// 播放；流本身没有问题。",
    ),
    "player.browser-autoplay-blocked": (
        "The browser refused to start playback by itself (autoplay policy, NotAllowedError): "
        "only muted playback may start without a click. Start muted and offer an unmute button, "
        "or start on the viewer's click.",
        "浏览器不允许页面自动开始播放（自动播放策略，NotAllowedError）："
        "没有用户点击时只允许静音自动播放。请静音起播并提供取消静音的按钮，"
        "或在观众点击后再开始播放。",
    ),
    "player.codec-hevc-flv": (
        "The player cannot decode the stream's video: FLV codec {codec} is H.265 (HEVC), which "
        "flv.js and older mpegts.js do not play, nor do browsers without HEVC decoding. Push "
        "H.264 for web players, or have the platform transcode to H.264.",
        "播放器无法解码这路流的视频：FLV 编码 ID {codec} 是 H.265（HEVC），flv.js 和旧版 "
        "mpegts.js 不支持，没有 HEVC 硬解的浏览器也播不了。网页播放请推 H.264，或让平台转码成 "
        "H.264。",
    ),
    "player.codec-flv": (
        "The player cannot decode the stream's video: FLV codec {codec} is not one it supports. "
        "Push H.264 for web players.",
        "播放器无法解码这路流的视频：不支持 FLV 编码 ID {codec}。网页播放请推 H.264。",
    ),
    "player.player-codec-unsupported": (
        "The player found no codec in the stream that this browser can play (H.265/HEVC, AV1, a "
        "10-bit or 4:2:2 profile, or audio other than AAC). Push H.264 and AAC, or play an H.264 "
        "rendition.",
        "播放器在这路流里找不到浏览器能播放的编码（H.265/HEVC、AV1、10 bit 或 4:2:2 档次，或非 "
        "AAC 的音频）。请推 H.264 加 AAC，或让观众播放 H.264 的转码档。",
    ),
    "player.player-decode-error": (
        "The browser stopped decoding the stream (MEDIA_ERR_DECODE): the video is corrupt where "
        "it stopped (missing SPS/PPS, broken keyframes) or uses a profile this browser cannot "
        "decode. Compare with another browser and check the encoder's profile.",
        "浏览器解码这路流时中止了（MEDIA_ERR_DECODE）：停止处的视频数据损坏（缺少 SPS/PPS、"
        "关键帧损坏），或者用了该浏览器解不了的档次。请换一个浏览器对比，并检查编码器的档次设置。",
    ),
    "player.player-not-a-playlist": (
        "The player asked for the playlist and got something else (manifestParsingError): an "
        "error or login page, or an empty body, served in its place. The playback URL is wrong "
        "or refused; open it in the browser to see what it returns.",
        "播放器请求播放列表，拿到的却不是播放列表（manifestParsingError）：服务端回了错误页、"
        "登录页或空内容。播放地址写错了或被拒绝；在浏览器里直接打开这个地址，看它返回了什么。",
    ),
    "player.player-rendition-empty": (
        "A rendition's playlist lists no segments (levelEmptyError): the transcoder has the "
        "stream but produces nothing for that quality. Play the source rendition to compare, and "
        "check the transcoding template.",
        "某一档清晰度的播放列表里一个切片都没有（levelEmptyError）：转码收到了流，却没有为这一档"
        "产出任何内容。请播放源流对比，并检查转码模板。",
    ),
    "player.player-decrypt-failed": (
        "The stream is encrypted and its key does not open the segments (fragDecryptError): the "
        "key URL most likely answered with something other than the 16-byte key (an error or "
        "login page sent with 200). Fetch the key URL from the playlist's EXT-X-KEY line with "
        "curl and check its status and size.",
        "这路流是加密 HLS，拿到的密钥解不开切片（fragDecryptError）：多半是密钥地址返回的不是 "
        "16 字节的密钥，而是以 200 返回的错误页或登录页。请用 curl 请求播放列表 EXT-X-KEY "
        "行里的密钥地址，看返回的状态码和大小。",
    ),
    "player.player-behind-live-window": (
        "The Android app's player fell behind the live window (BehindLiveWindowException): "
        "after a stall, or back from the background, the point it was at is no longer in the "
        "live playlist. Have the app return to the live edge on this error "
        "(seekToDefaultPosition, then prepare), and list more segments in the live playlist if "
        "short stalls already cause it.",
        "安卓 App 的播放器掉出了直播窗口（BehindLiveWindowException）：卡顿一阵或从后台切回来后，"
        "它停在的位置已经不在直播播放列表里了。请让 App 遇到这个错误时回到直播边缘"
        "（seekToDefaultPosition 再 prepare）；如果短暂卡顿就会触发，在直播配置里多列几个切片。",
    ),
    "player.player-cleartext-blocked": (
        "The Android app refused the playback URL because it is plain http:// (Cleartext HTTP "
        "traffic not permitted): since Android 9 apps may not use unencrypted HTTP unless they "
        "allow it. Give the app the https:// playback URL.",
        "安卓 App 拒绝了这个播放地址，因为它是明文 http://（Cleartext HTTP traffic not "
        "permitted）：Android 9 起 App 默认不允许未加密的 HTTP。"
        "请在 App 里使用 https:// 播放地址。",
    ),
    "player.player-buffer-full": (
        "The browser refused more media: the memory it gives this video is full "
        "(bufferFullError). This comes from TVs, set-top boxes and older phones on high "
        "bitrates; cap the player's buffer (hls.js maxBufferSize, maxMaxBufferLength) below the "
        "device's quota and offer a lower rendition.",
        "浏览器拒绝再追加数据：给这个视频的缓冲内存满了（bufferFullError）。多见于智能电视、"
        "电视盒子和老手机播高码率档位；请把播放器的缓冲上限（hls.js 的 maxBufferSize、"
        "maxMaxBufferLength）压到设备配额以下，并提供低码率档位。",
    ),
    "player.player-name-not-resolved": (
        "The viewer's browser could not resolve the playback domain of {targets} ({errors}): the "
        "domain's DNS, or the viewer's resolver, gave no answer. Check the CNAME of the playback "
        "domain and resolve it from the viewer's network.",
        "观众的浏览器无法解析 {targets} 的播放域名（{errors}）：播放域名的 DNS "
        "或观众使用的解析器没有给出结果。请检查播放域名的 CNAME，并在观众的网络里解析一次。",
    ),
    "player.player-connection-failed": (
        "The viewer's connection for {targets} failed before any HTTP answer ({errors}): reset "
        "or timed out on the way to the edge. Where it happens only to viewers in one country or "
        "network, the path across the border or a regional rule is the suspect.",
        "观众拉取 {targets} 的连接在收到任何 HTTP 响应之前就失败了（{errors}）："
        "在到边缘节点的路上被重置或超时。如果只有某个国家或某个网络的观众出现，"
        "问题多半在跨境链路或地域规则上。",
    ),
    "player.player-certificate-invalid": (
        "The viewer's browser refused the https certificate of {targets} ({errors}): expired, "
        "not issued for this host name, or sent without its intermediate certificates. A "
        "player in a page cannot proceed past it, so every web viewer fails. Check it with "
        "curl -sSI and openssl s_client, then upload a valid certificate with its full chain.",
        "观众的浏览器拒绝了 {targets} 的 https 证书（{errors}）：证书过期、不是签给这个域名的，"
        "或者服务器没有带上中间证书。页面里的播放器无法跳过证书错误，所有网页观众都会失败。"
        "请用 curl -sSI 和 openssl s_client 检查，再上传覆盖该域名、带完整证书链的有效证书。",
    ),
    "player.player-load-failed": (
        "The player could not load {targets} and the lines show no HTTP status: either the "
        "browser got no answer (blocked by CORS or mixed content, or the connection failed) or "
        "the status was not logged. Open the URL in the browser's address bar, or run curl -sI "
        "on it, and look for CORS or Mixed Content lines above this one.",
        "播放器没能加载 {targets}，而日志里没有 HTTP 状态码："
        "要么浏览器根本没有收到响应（被跨域或混合内容拦截，或连接失败），要么状态码没有打印出来。"
        "请在浏览器地址栏直接打开这个地址，或用 curl -sI 测一下，并看看这一行前面有没有 CORS 或 "
        "Mixed Content 的报错。",
    ),
    "player.player-source-unsupported": (
        "The player could not load the source (MEDIA_ERR_SRC_NOT_SUPPORTED): either this browser "
        "cannot play the format (HTTP-FLV on iPhone Safari or in WeChat, H.265) or the request "
        "failed. Run curl -sI on the URL: if it answers 200, the format is the cause; offer HLS "
        "with H.264 to these viewers.",
        "播放器无法加载播放源（MEDIA_ERR_SRC_NOT_SUPPORTED）："
        "要么这个浏览器播放不了该格式（iPhone Safari 或微信里的 HTTP-FLV、H.265），"
        "要么请求本身失败了。请用 curl -sI 测一下这个地址：如果返回 200，原因就是格式，"
        "请给这些观众提供 H.264 的 HLS 地址。",
    ),
    "player.player-load-timeout": (
        "The player's requests timed out (playlist or segments): the edge answered too slowly "
        "for this viewer. If it is one region only, the viewer's path to the edge is the "
        "suspect; if everyone, the edge or the origin.",
        "播放器的请求超时了（播放列表或切片）：边缘节点对这位观众的响应太慢。"
        "如果只有某个地区出现，多半是观众到边缘节点的链路；如果所有人都有，"
        "就是边缘节点或源站的问题。",
    ),
    "player.player-stream-cut": (
        "The stream's download ended part-way (the connection closed before the stream did). If "
        "every viewer is cut at the same moment, the publisher's push dropped: check the "
        "encoder's log at that time. If only some viewers, their network or their edge.",
        "流的下载在中途断开了（流还没结束连接就关闭了）。如果所有观众在同一时刻断开，"
        "是主播端推流断了：请查看编码器在那个时间点的日志。如果只有部分观众断开，"
        "是他们的网络或所在的边缘节点。",
    ),
    "player.player-stalled": (
        "The player ran out of buffer and stalled ({count} lines report a stall): the stream "
        "arrived slower than it played. If the publisher's push is healthy at those times, the "
        "viewer's path to the edge or the edge's capacity is the cause.",
        "播放器缓冲耗尽、出现卡顿（日志中有 {count} 行报告卡顿）：流到达的速度比播放的速度慢。"
        "如果那段时间主播端推流正常，原因在观众到边缘节点的链路或边缘节点的容量。",
    ),
    # ----------------------------------------------------------- throughput
    "throughput.uplink-measured": (
        "{tool} measured {mbps:g} Mbit/s of upload. With the headroom a push needs (1.5 times "
        "its bitrate), this line carries a stream of up to {most:g} Mbps in total, video and "
        "audio together: compare that with the encoder's settings.",
        "{tool} 测得上行 {mbps:g} Mbit/s。推流需要留出 1.5 倍余量，这条线路能稳定承载的总码率"
        "（视频加音频）约为 {most:g} Mbps：请和编码器里设置的码率比较。",
    ),
    "throughput.uplink-below-bitrate": (
        "{tool} measured {mbps:g} Mbit/s of upload, less than the stream itself: {stream:g} Mbps "
        "(video {video} kbps, audio {audio} kbps). The encoder produces more than this line can "
        "send, so frames queue and are dropped whatever the ingest does. Lower the total to "
        "about {most:g} Mbps, or push from a faster line.",
        "{tool} 测得上行只有 {mbps:g} Mbit/s，比推流本身的码率还低：{stream:g} Mbps（视频 "
        "{video} kbps，音频 {audio} kbps）。编码器产出的数据多于这条线路能发出去的，不管推流"
        "服务器怎样，帧都会排队、被丢弃。把总码率降到约 {most:g} Mbps，或者换一条更快的线路推流。",
    ),
    "throughput.uplink-no-headroom": (
        "{tool} measured {mbps:g} Mbit/s of upload. The stream is {stream:g} Mbps (video {video} "
        "kbps, audio {audio} kbps) and needs about {needed:g} Mbit/s to leave room for "
        "retransmissions and other traffic: every dip of the line shows as dropped frames. "
        "Lower the total to about {most:g} Mbps, or turn on dynamic bitrate.",
        "{tool} 测得上行 {mbps:g} Mbit/s。推流码率 {stream:g} Mbps（视频 {video} kbps，音频 "
        "{audio} kbps），要给重传和其他流量留出余量，需要约 {needed:g} Mbit/s：线路稍有波动就会"
        "丢帧。把总码率降到约 {most:g} Mbps，或者开启动态码率。",
    ),
    "throughput.uplink-enough": (
        "{tool} measured {mbps:g} Mbit/s of upload, more than the {needed:g} Mbit/s this "
        "{stream:g} Mbps stream needs with headroom: the line's bandwidth does not limit the "
        "stream. If frames still drop, look at loss and jitter on the path.",
        "{tool} 测得上行 {mbps:g} Mbit/s，超过这路 {stream:g} Mbps 推流留足余量所需的 "
        "{needed:g} Mbit/s：带宽不是瓶颈。如果仍然丢帧，请查看路径上的丢包和抖动。",
    ),
    "throughput.uplink-enough-nearby": (
        "{tool} measured {mbps:g} Mbit/s of upload, more than the {needed:g} Mbit/s this "
        "{stream:g} Mbps stream needs with headroom. A speed test runs to a server near you "
        "over several connections, though, and a push is one connection to a distant ingest: "
        "an iperf3 upload to an endpoint in the ingest region settles whether the line "
        "carries it.",
        "{tool} 测得上行 {mbps:g} Mbit/s，超过这路 {stream:g} Mbps 推流留足余量所需的 "
        "{needed:g} Mbit/s。但测速连的是附近的服务器，而且用多条连接并发；推流是到远方推流节点的"
        "一条连接。用 iperf3 向推流区域的测试节点测一次上行，才能确定线路是否够用。",
    ),
    "throughput.downlink-measured": (
        "{tool} measured {mbps:g} Mbit/s from the server to this computer (-R): the download. "
        "A push sends the other way: run the test again without -R to measure the upload.",
        "{tool} 测得从服务器到这台电脑 {mbps:g} Mbit/s（-R）：这是下行。推流走的是反方向："
        "去掉 -R 再测一次，才是上行。",
    ),
    "throughput.iperf3-unreachable": (
        "iperf3 could not reach its server ({error}), so nothing was measured. Check the "
        "address and the port of the test endpoint (iperf3 uses TCP 5201 unless -p names "
        "another); if they are right, this network's firewall blocks that port: run the "
        "test from another network, or use a speed test instead.",
        "iperf3 连不上测试服务器（{error}），所以什么也没测到。请核对测试地址和端口（不加 -p "
        "时 iperf3 用 TCP 5201）；地址端口都对的话，就是当前网络的防火墙挡住了这个端口：换个网络"
        "再测，或者改用测速工具。",
    ),
    "throughput.iperf3-busy": (
        "The iperf3 server is running someone else's test ({error}), so nothing was "
        "measured: run it again in a minute.",
        "iperf3 测试服务器正在跑别人的测试（{error}），所以这次什么也没测到：过一分钟再测。",
    ),
    "throughput.iperf3-error": (
        "iperf3 stopped with an error before it finished ({error}), so nothing was measured: "
        "run it again, and paste the whole output if it fails again.",
        "iperf3 没跑完就报错退出了（{error}），所以什么也没测到：请重新测一次，如果还失败，"
        "把完整输出贴上来。",
    ),
    "throughput.udp-jitter": (
        "{tool} UDP test: {jitter:g} ms of jitter at the receiver. Packets sent evenly arrive "
        "unevenly: SRT and WebRTC must absorb that in their latency buffer, and the picture "
        "stutters when they cannot.",
        "{tool} UDP 测试：接收端抖动 {jitter:g} ms。均匀发出的包到达时间参差不齐：SRT 和 "
        "WebRTC 需要靠延迟缓冲吸收这些抖动，吸收不了画面就会一顿一顿。",
    ),
    "throughput.udp-loss": (
        "{tool} UDP test: {lost} of {total} datagrams lost ({pct:g}%). UDP at this rate does "
        "not get through intact: the line cannot carry the rate, or a network on the way "
        "throttles UDP (which SRT and WebRTC use). If a TCP test to the same endpoint carries "
        "the rate, it is the throttling.",
        "{tool} UDP 测试：{total} 个数据报丢了 {lost} 个（{pct:g}%）。以这个速率发送的 UDP "
        "到不全：要么线路带宽不够，要么途中的网络对 UDP 限速（SRT 和 WebRTC 都走 UDP）。如果对"
        "同一个测试节点的 TCP 测试能跑到这个速率，就是 UDP 被限速。",
    ),
    "throughput.udp-clean": (
        "{tool} UDP test: {jitter:g} ms of jitter, {pct:g}% lost. UDP at this rate crosses the "
        "line evenly and intact.",
        "{tool} UDP 测试：抖动 {jitter:g} ms，丢包 {pct:g}%。以这个速率发送的 UDP 能均匀、"
        "完整地到达。",
    ),
    "throughput.speedtest-loss": (
        "{tool} lost {pct:g}% of its packets. The test runs to a server near you, so the loss "
        "is close to you too: this computer's Wi-Fi or cable, the router, or the access ISP.",
        "{tool} 测到 {pct:g}% 的丢包。测速连的是离你很近的服务器，所以丢包也发生在你附近："
        "这台电脑的 Wi-Fi 或网线、路由器，或者接入运营商。",
    ),
    # ---------------------------------------------------------- DNS lookups
    "lookup.dns-name-missing": (
        "The DNS server says {name} does not exist ({status}): the name is mistyped (compare "
        "it letter by letter with the push or playback address in the console), or this "
        "resolver filters it. Ask a second resolver: nslookup {name} 223.5.5.5 in mainland "
        "China, nslookup {name} 8.8.8.8 elsewhere.",
        "DNS 服务器答复 {name} 不存在（{status}）：域名写错了（请与控制台里的推流或播放地址逐字"
        "核对），或者这台 DNS 服务器屏蔽了它。换一台 DNS 再问一次：中国大陆用 nslookup {name} "
        "223.5.5.5，境外用 nslookup {name} 8.8.8.8。",
    ),
    "lookup.dns-lookup-failed": (
        "This computer's DNS server gave no answer for {name} ({status}): it is down, cannot be "
        "reached from this network, or refuses the query. Ask another resolver (nslookup {name} "
        "223.5.5.5 in mainland China, 8.8.8.8 elsewhere); if that one answers, set it on the "
        "encoder's network.",
        "本机使用的 DNS 服务器没有给出 {name} 的解析结果（{status}）：它宕机了、从当前网络连不上，"
        "或者拒绝了查询。换一台 DNS 再查（中国大陆用 nslookup {name} 223.5.5.5，境外用 "
        "8.8.8.8）；如果能查到，就把它设为编码器所在网络的 DNS。",
    ),
    # ------------------------------------------------------- TCP port tests
    "port.refused": (
        "{targets}: the connection was refused. The host answered, but nothing accepts "
        "connections on that port, or a firewall on the way rejects them. Check the host and "
        "the port against the push address in the console; if they match, the ingest refused "
        "the connection: open a ticket with this output.",
        "{targets}：连接被拒绝。主机有回应，但这个端口上没有服务接受连接，或者途中的防火墙主动"
        "拒绝了它。请对照控制台里的推流地址核对域名和端口；如果完全一致，就是推流服务器拒绝了"
        "连接：请带上这段输出提交工单。",
    ),
    "port.timeout": (
        "{targets}: no answer before the test gave up. Something on the way drops the "
        "connection without a word: the firewall of this network (office, venue, hotel "
        "Wi-Fi) or filtering on the path. Test port 443 too; if 443 answers, push RTMPS on "
        "port 443.",
        "{targets}：一直没有回应，测试超时放弃。连接在途中被悄无声息地丢掉了：可能是当前网络"
        "（公司、场馆、酒店 Wi-Fi）的防火墙，也可能是链路上的过滤。请再测一下 443 端口；如果 "
        "443 能通，就改用 RTMPS 走 443 端口推流。",
    ),
    "port.failed": (
        "{targets}: the TCP connection failed ({tool} does not say whether it was refused or "
        "timed out). The port cannot be reached from this network: check the host and the "
        "port against the console, then whether a firewall blocks it, and test port 443 too.",
        "{targets}：TCP 连接失败（{tool} 不区分被拒绝还是超时）。从当前网络连不上这个端口："
        "先对照控制台核对域名和端口，再检查是否被防火墙拦截，并再测一下 443 端口。",
    ),
    "port.unreachable": (
        "{targets}: the connection could not even start. This computer has no route to the "
        "host or its own firewall stopped it, or a router on the way reported the host "
        "unreachable. Check this computer's network connection, VPN and firewall first.",
        "{targets}：连接根本没能发起。本机没有到该主机的路由，或被本机防火墙拦下，也可能是途中"
        "路由器报告主机不可达。请先检查本机的网络连接、VPN 和防火墙。",
    ),
    "port.open": (
        "{targets}: the connection was accepted, so this network reaches that port. If the "
        "encoder still cannot publish there, the cause is what the server answers after "
        "connecting (the stream key or the push address refused), not the network.",
        "{targets}：连接成功，说明从当前网络能连到这个端口。如果编码器推到这里仍然失败，原因在于"
        "连上之后服务器的应答（推流码或推流地址被拒绝），而不在网络。",
    ),
    "port.open-beside-blocked": (
        "{open} accepts connections while {blocked} does not: this network lets some ports "
        "through and blocks others. Push to the port that answers (RTMPS on port 443 when "
        "that is the one), or ask the network's administrator to open the other.",
        "{open} 能连上，而 {blocked} 连不上：当前网络放行一部分端口、拦截另一部分。请改用能连通的"
        "端口推流（如果通的是 443，就用 RTMPS 走 443），或请网络管理员放行另一个端口。",
    ),
    "port.probes-filtered": (
        "{target} does not answer {tool}, yet its TCP port {port} accepts connections: the "
        "target, or a firewall in front of it, drops these probes, as many ingest servers do. "
        "The line is up; this is not loss.",
        "{target} 不回应 {tool}，但它的 TCP {port} 端口能连上：是目标本身或它前面的防火墙丢弃了"
        "这类探测包，很多推流服务器都这样。线路是通的，这不是丢包。",
    ),
    "port.telnet-default": (
        'telnet tested port 23, its default, not the port meant: "{host}" was taken as one '
        "host name. Put a space between the host and the port: telnet {name} {port}",
        "telnet 测的是它的默认端口 23，不是你想测的端口：“{host}”整个被当成了主机名。主机和"
        "端口之间要用空格分开：telnet {name} {port}",
    ),
    # -------------------------------------------------------------- reasons
    "reason.finding": ('{summary} ("{cite}")', "{summary}（“{cite}”）"),
    "reason.finding.bare": ("{summary}", "{summary}"),
    "reason.keyword": ('The description mentions "{phrase}".', "描述中提到“{phrase}”。"),
    "said.uplink-below-bitrate": (
        "You wrote that the upload is {mbps:g} Mbit/s and the bitrate {kbps} kbps: the line "
        "carries less than the stream itself, so frames queue and are dropped whatever the "
        "ingest does. A push needs about {needed:g} Mbit/s (1.5 times its bitrate): lower the "
        "bitrate to about {most:g} Mbps in total, or push from a faster line.",
        "您提到上行 {mbps:g} Mbit/s、码率 {kbps} kbps：线路带宽比推流本身还低，不管推流服务器"
        "怎样，帧都会排队、被丢弃。推流需要约 {needed:g} Mbit/s（码率的 1.5 倍）：把总码率降到"
        "约 {most:g} Mbps，或者换一条更快的线路推流。",
    ),
    "said.uplink-no-headroom": (
        "You wrote that the upload is {mbps:g} Mbit/s and the bitrate {kbps} kbps: a push needs "
        "about {needed:g} Mbit/s (1.5 times its bitrate) to leave room for retransmissions and "
        "other traffic, so every dip of the line shows as dropped frames. Lower the bitrate to "
        "about {most:g} Mbps in total, or turn on dynamic bitrate.",
        "您提到上行 {mbps:g} Mbit/s、码率 {kbps} kbps：推流要给重传和其他流量留出余量，需要约 "
        "{needed:g} Mbit/s（码率的 1.5 倍），线路稍有波动就会丢帧。把总码率降到约 {most:g} "
        "Mbps，或者开启动态码率。",
    ),
    "reason.answers": (
        "Based on your answers only; paste a tool output for evidence.",
        "仅根据您的回答判断；请粘贴工具输出作为证据。",
    ),
    "reason.search": (
        "Your description matches the fix “{title}”.",
        "您的描述与解决方案“{title}”相符。",
    ),
    "reason.search.weak": (
        "Your description shares a few words with the fix “{title}”; a weak match.",
        "您的描述与解决方案“{title}”只有少数词语相同，匹配较弱。",
    ),
    # ----------------------------------------------------------- escalation
    "esc.p1": (
        "The stream is down: this goes to the on-call engineer now.",
        "直播已中断：现在转给值班工程师处理。",
    ),
    "esc.p1.line-down": (
        "The stream is down and the path dies at hop {hop}: the line or the ingest is "
        "unreachable. This goes to the on-call engineer now.",
        "直播已中断，且路径在第 {hop} 跳中断：线路或推流服务器不可达。现在转给值班工程师处理。",
    ),
    "esc.p1.line-down.router": (
        "The stream is down and {host} answers that the ingest is unreachable: the line or "
        "the ingest is down. This goes to the on-call engineer now.",
        "直播已中断，且 {host} 回复目标不可达：线路或推流服务器不可达。现在转给值班工程师处理。",
    ),
    "esc.p1.line-down.silent": (
        "The stream is down and the ingest cannot be reached: the line or the ingest is down. "
        "This goes to the on-call engineer now.",
        "直播已中断，且连不上推流服务器：线路或推流服务器不可达。现在转给值班工程师处理。",
    ),
    "esc.nothing": (
        "Nothing to assess yet: describe the problem or paste a tool output.",
        "还没有可评估的内容：请描述问题或粘贴工具输出。",
    ),
    "esc.p2.line-down": (
        "Nothing gets through beyond hop {hop}: the line or the ingest is unreachable, which only "
        "our network team can fix.",
        "第 {hop} 跳之后什么都过不去：线路或推流服务器不可达，只有我们的网络团队能处理。",
    ),
    "esc.p2.line-down.router": (
        "Nothing gets through beyond {host}, which answers that the ingest is unreachable: the "
        "line or the ingest is down, which only our network team can fix.",
        "{host} 回复目标不可达，之后什么都过不去：线路或推流服务器不可达，"
        "只有我们的网络团队能处理。",
    ),
    "esc.p2.line-down.silent": (
        "The ingest cannot be reached: the line or the ingest is down, which only our network "
        "team can fix.",
        "连不上推流服务器：线路或推流服务器不可达，只有我们的网络团队能处理。",
    ),
    "esc.p2.cross-border": (
        "Live but degraded, with {loss:g}% loss that starts at hop {hop}, on the long-haul "
        "(cross-border) segment, and persists to the ingest: our network team needs to act.",
        "直播仍在但质量下降：从第 {hop} 跳（长途/跨境段）"
        "开始出现 {loss:g}% 的丢包并持续到推流服务器："
        "需要我们的网络团队处理。",
    ),
    "esc.p2.cross-border.severe": (
        "Live but degraded, with {loss:g}% loss that starts at hop {hop}, on the long-haul "
        "(cross-border) segment, and persists to the ingest: our network team needs to act. The "
        "loss is severe.",
        "直播仍在但质量下降：从第 {hop} 跳（长途/跨境段）"
        "开始出现 {loss:g}% 的丢包并持续到推流服务器："
        "需要我们的网络团队处理。丢包很严重。",
    ),
    "esc.p2.jitter": (
        "The jitter starts on the long-haul segment, beyond your network: our network team "
        "needs to look at the line.",
        "抖动从长途段开始，在您的网络之外：需要我们的网络团队检查线路。",
    ),
    "esc.p2.interference": (
        "The cross-border path interferes with the connection (resets or forged answers): our "
        "network team needs to route it over the line.",
        "跨境路径干扰了连接（重置或伪造应答）：需要我们的网络团队改走专线。",
    ),
    "esc.p2.network": (
        "The evidence points at the network beyond your side: our network team needs to act.",
        "证据指向您这一侧之外的网络：需要我们的网络团队处理。",
    ),
    "esc.p3.fix-failed": (
        "You tried the standard fix and it did not help: an engineer will take it from here.",
        "您已经试过标准解决方案但没有效果：接下来由工程师处理。",
    ),
    "esc.p3.service": (
        "The likely cause is on the service side ({names}); support should check it.",
        "可能的原因在服务端（{names}）；需要技术支持检查。",
    ),
    "esc.p4": (
        "The likely causes have standard fixes on your side ({names}); try the suggested fix "
        "first.",
        "可能的原因在您这一侧，有标准解决方案（{names}）；请先尝试建议的解决方案。",
    ),
    "esc.healthy": (
        "The pasted outputs look healthy; describe the symptom if the problem persists.",
        "粘贴的输出看起来正常；如果问题仍然存在，请描述具体现象。",
    ),
    "esc.no-evidence": (
        "Nothing in what you sent points at a fault; paste a tool output (mtr, ping, the OBS "
        "log) taken while the problem happens.",
        "您提供的内容没有指向故障；请粘贴问题发生时的工具输出（mtr、ping、OBS 日志）。",
    ),
    "esc.account": (
        "This is a question about an account, billing, a contract or signing in, which no fix "
        "answers: support does. File it as a ticket.",
        "这是账号、账单、合同或登录方面的问题，知识库里没有对应的解决方案，由技术支持处理。"
        "请提交工单。",
    ),
    "esc.feature": (
        "This is a question about how to use a feature of the service, which no fix answers: "
        "support does. File it as a ticket.",
        "这是关于如何使用某项产品功能的问题，知识库里没有对应的解决方案，由技术支持处理。请提交工单。",
    ),
    "esc.unexplained": (
        "The evidence is not conclusive yet; paste a longer test (mtr with 100 probes, the OBS "
        "log) taken while the problem happens before filing a ticket.",
        "证据还不充分；提交工单前，请粘贴问题发生时更长时间的"
        "测试结果（100 次探测的 mtr、OBS 日志）。",
    ),
    "esc.failed": (
        "Automatic diagnosis failed ({error}); an engineer will read your input.",
        "自动诊断失败（{error}）；工程师会阅读您提供的内容。",
    ),
    # ---------------------------------------------------------------- notes
    "note.parse-failed": (
        "Could not be parsed ({error}); it is kept as plain text.",
        "无法解析（{error}）；已按纯文本保留。",
    ),
    "note.truncated-bytes": (
        "Only the first {limit} bytes of {size} were read.",
        "只读取了 {size} 字节中的前 {limit} 字节。",
    ),
    "note.truncated-sections": (
        "This attachment holds {count} tool outputs; the first {limit} were read. Paste the "
        "runs that show the problem, or send them as separate attachments.",
        "这个附件里有 {count} 段工具输出，只读取了前 {limit} 段。请只粘贴能说明问题的几次"
        "结果，或者分成几个附件发送。",
    ),
    "note.truncated-hops": (
        "Only the first {limit} hops of this trace were read ({dropped} more followed); "
        "a trace has at most {limit} hops, so the paste holds something else too.",
        "只读取了这条路由追踪的前 {limit} 跳（后面还有 {dropped} 跳）；"
        "一条追踪最多 {limit} 跳，粘贴的内容里混进了别的东西。",
    ),
    "note.truncated-chars": (
        "Only the first {limit} characters were read.",
        "只读取了前 {limit} 个字符。",
    ),
    "note.binary": (
        "This looks like a binary file, not text output; nothing was parsed.",
        "这看起来是二进制文件，不是文本输出；没有解析任何内容。",
    ),
    "note.empty": ("The attachment is empty.", "附件是空的。"),
    "note.no-measurements": (
        "Lines {start}-{end} look like {tool} output but no measurements could be read from them "
        "(truncated or edited?).",
        "第 {start}-{end} 行看起来是 {tool} 的输出，但读不出任何测量值（被截断或编辑过？）。",
    ),
    "note.unrecognised": (
        "Not recognised as ping, traceroute/tracert, mtr/WinMTR, pathping, an OBS log or ffmpeg "
        "output. Paste the complete output of one of those tools.",
        "无法识别为 ping、traceroute/tracert、mtr/WinMTR、pathping、OBS 日志或 ffmpeg 输出。"
        "请粘贴其中某个工具的完整输出。",
    ),
    "note.read-as-text": (
        "Not the output of ping, traceroute/tracert, mtr/WinMTR, pathping, an OBS log or "
        "ffmpeg, so there are no measurements; the lines the findings quote were read.",
        "不是 ping、traceroute/tracert、mtr/WinMTR、pathping、OBS 日志或 ffmpeg 的输出，所以没有"
        "测量值；诊断结论引用的那几行已读取。",
    ),
    "note.several": (
        "Several outputs were pasted together: {parts}. The metrics shown are from the {tool} "
        "part; findings use every part.",
        "一起粘贴了多个输出：{parts}。显示的指标来自 {tool} 部分；诊断结论使用了所有部分。",
    ),
    "note.trace-died": (
        "The trace did not reach its destination: nothing answered from hop {hop} on.",
        "路由追踪没有到达目的地：从第 {hop} 跳开始没有任何回应。",
    ),
    "note.not-reached": (
        "The trace did not reach its destination; destination metrics are empty.",
        "路由追踪没有到达目的地；目的地指标为空。",
    ),
    "note.last-hop-not-target": (
        "The last hop that answered ({last}) is not the trace's target ({target}): a router "
        "can answer from another of its addresses, or the trace was cut short. Destination "
        "metrics are empty.",
        "最后一个回应的跳（{last}）不是追踪的目标（{target}）：路由器可能用它的另一个地址回应，"
        "也可能追踪被提前中断。目的地指标为空。",
    ),
    "note.error-replies": (
        "Error replies (unreachable / TTL expired) were not counted as received.",
        "错误回复（不可达 / TTL 过期）没有计为已接收。",
    ),
    "note.too-many": (
        "Only the first {limit} attachments were read; {ignored} ignored.",
        "只读取了前 {limit} 个附件；忽略了 {ignored} 个。",
    ),
    # ---------------------------------------------------------------- tools
    "tool.ping": ("ping", "ping"),
    "tool.traceroute": ("traceroute", "traceroute"),
    "tool.tracert": ("tracert", "tracert"),
    "tool.mtr": ("mtr", "mtr"),
    "tool.pathping": ("pathping", "pathping"),
    "tool.obs-log": ("OBS log", "OBS 日志"),
    "tool.ffmpeg": ("ffmpeg", "ffmpeg"),
    "tool.unknown": ("unrecognised text", "无法识别的文本"),
}

# (detected, platform, variant) -> (English, Chinese): the tool as a person
# names it.  Looked up most specific first.
_TOOL_NAMES: dict[tuple[str, str | None, str | None], tuple[str, str]] = {
    ("ping", "linux", None): ("Linux ping", "Linux ping"),
    ("ping", "macos", None): ("macOS ping", "macOS ping"),
    ("ping", "windows", None): ("Windows ping", "Windows ping"),
    ("ping", None, "vrp"): ("Huawei/H3C router ping", "华为/H3C 设备 ping"),
    ("ping", None, "comware"): ("H3C Comware ping", "H3C Comware ping"),
    ("ping", None, "ios"): ("Cisco IOS ping", "Cisco IOS ping"),
    ("ping", None, "routeros"): ("MikroTik RouterOS ping", "MikroTik RouterOS ping"),
    ("ping", None, "powershell"): ("PowerShell Test-Connection",
                                   "PowerShell Test-Connection"),
    ("ping", None, None): ("ping", "ping"),
    ("traceroute", "linux", None): ("Linux traceroute", "Linux traceroute"),
    ("traceroute", "macos", None): ("macOS traceroute", "macOS traceroute"),
    ("traceroute", None, "vrp"): ("Huawei/H3C router tracert", "华为/H3C 设备 tracert"),
    ("traceroute", None, "comware"): ("H3C Comware tracert", "H3C Comware tracert"),
    ("traceroute", None, "ios"): ("Cisco IOS traceroute", "Cisco IOS traceroute"),
    ("traceroute", None, "routeros"): (
        "MikroTik RouterOS traceroute", "MikroTik RouterOS traceroute"),
    ("traceroute", None, "nexttrace"): ("NextTrace", "NextTrace"),
    ("traceroute", None, "powershell"): ("PowerShell Test-Connection -Traceroute",
                                         "PowerShell Test-Connection -Traceroute"),
    ("traceroute", None, None): ("traceroute", "traceroute"),
    ("tracert", None, None): ("Windows tracert", "Windows tracert"),
    ("pathping", None, None): ("Windows pathping", "Windows pathping"),
    ("mtr", "windows", None): ("WinMTR export", "WinMTR 导出"),
    ("mtr", None, None): ("mtr report", "mtr 报告"),
    ("obs-log", None, "classic"): ("OBS Classic log", "OBS Classic 日志"),
    ("obs-log", None, None): ("OBS Studio log", "OBS Studio 日志"),
    ("ffmpeg", None, None): ("ffmpeg output", "ffmpeg 输出"),
    ("unknown", None, None): ("unrecognised text", "无法识别的文本"),
}


def tool_name(
    detected: str, platform: str | None = None, lang: str = "en", variant: str | None = None
) -> str:
    """The detected tool as a person recognises it ("Windows tracert", "mtr report")."""
    index = 1 if normalise_lang(lang) == "zh-hans" else 0
    for key in (
        (detected, platform, variant),
        (detected, None, variant),
        (detected, platform, None),
        (detected, None, None),
    ):
        if key in _TOOL_NAMES:
            return _TOOL_NAMES[key][index]
    return detected
