"""Benchmark the learning loop on 100,000 generated closed tickets.

Run: ``python bench/bench_learning.py [--tickets 100000]`` from the
repository root (``make bench`` runs it). A temporary SQLite database and
index are used; nothing of the site's ``var/`` is touched.

Tickets are written the way customers write them, in English and Chinese,
from the launch articles' symptoms and exact error strings (with varying
stream IDs, hosts, times and encoders); about 60 % are resolved with a
launch article, some of those reopened and closed again, 30 % are closed
without an article and describe one of 30 problems the knowledge base does
not cover (what should become knowledge gaps), the rest are one-off
requests. One in ten carries an attached log with error lines.

Printed: the replay (``learn_replay``, what ``manage.py learn`` runs) in a
child process: total seconds and peak memory (ru_maxrss of that process);
then, on the database it left, per-close p50/p95 of the task body
(``learn_from_ticket``) over fresh closes with and without an article.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORK = Path(os.environ.get("KB_BENCH_WORK") or tempfile.mkdtemp(prefix="kb-bench-learning-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'db.sqlite3'}"
os.environ["KB_INDEX_DIR"] = str(WORK / "index")
os.environ["KB_VAR_DIR"] = str(WORK / "var")
os.environ["KB_BROKER_URL"] = "filesystem://"
os.environ["KB_TASKS_EAGER"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
os.environ["KB_LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

FIXTURES = ROOT / "fixtures"

NOVEL_EN = [
    ("SCTE-35 ad markers dropped", "the ad server never sees the cue at the break",
     "Enabled SCTE-35 passthrough on the transcoding profile."),
    ("closed captions CEA-608 missing", "captions disappear after transcoding",
     "Turned on caption passthrough for CEA-608 in the ladder."),
    ("DVR rewind window only 30 seconds", "viewers cannot seek back further",
     "Raised the timeshift window of the channel to 2 hours."),
    ("second audio track missing in HLS", "the commentary language is gone",
     "Added the alternate audio rendition to the master playlist."),
    ("recording to object storage fails", "the recording bucket stays empty",
     "Fixed the bucket policy so the recorder can write."),
    ("status webhook callbacks never arrive", "our backend gets no stream start events",
     "Whitelisted the callback source addresses on their firewall."),
    ("1080p rendition missing from the ladder", "only 720p is offered to viewers",
     "Added the 1080p rung to the transcoding template."),
    ("geo restriction blocks an allowed country", "viewers in Canada see access denied",
     "Corrected the country list of the geo rule."),
    ("thumbnail snapshots are black", "the preview images are all black frames",
     "Moved the snapshot offset after the first keyframe."),
    ("watermark overlay in the wrong corner", "the logo shows at the top left",
     "Fixed the overlay position in the template."),
    ("signed playback token expires too early", "playback stops after ten minutes",
     "Extended the token lifetime to the event length."),
    ("low latency HLS parts not delivered", "LL-HLS players fall back to normal latency",
     "Enabled partial segments on the edge."),
    ("multicast relay to the venue drops", "the venue relay loses the feed hourly",
     "Replaced the relay with unicast SRT."),
    ("DRM license request rejected", "Widevine license server returns an error",
     "Renewed the DRM key set of the channel."),
    ("simulcast to a social platform stops", "the restream target goes offline",
     "Refreshed the expired platform stream key of the restream."),
]
NOVEL_ZH = [
    ("SCTE-35 广告标记丢失", "插播广告时广告服务器收不到标记", "在转码模板开启 SCTE-35 透传。"),
    ("CEA-608 字幕丢失", "转码后字幕消失", "在转码档位中开启字幕透传。"),
    ("时移回看窗口只有30秒", "观众无法回看更早的内容", "把频道的时移窗口调到2小时。"),
    ("HLS 第二音轨丢失", "解说音轨不见了", "在主播放列表里加上备用音轨。"),
    ("录制到对象存储失败", "录制桶里没有文件", "修复存储桶策略，录制服务可以写入。"),
    ("推流状态回调收不到", "我们的后台收不到开播事件", "在客户防火墙放行回调来源地址。"),
    ("转码档位缺少1080p", "观众只能看到720p", "在转码模板增加1080p档位。"),
    ("地域限制误拦允许的国家", "加拿大观众提示无权访问", "修正地域规则的国家列表。"),
    ("截图全是黑屏", "预览截图都是黑帧", "把截图时间点移到第一个关键帧之后。"),
    ("水印位置错误", "台标显示在左上角", "修正模板中的水印位置。"),
    ("播放鉴权令牌过早过期", "播放十分钟后中断", "把令牌有效期延长到活动时长。"),
    ("低延迟 HLS 分片没有下发", "LL-HLS 播放器退回普通延迟", "在边缘开启部分分片。"),
    ("到场馆的组播中继中断", "场馆中继每小时断流一次", "改用单播 SRT 中继。"),
    ("DRM 许可证请求被拒绝", "Widevine 许可证服务器返回错误", "更新频道的 DRM 密钥。"),
    ("转推到社交平台中断", "转推目标掉线", "刷新已过期的平台推流密钥。"),
]
ONE_OFF_EN = ["Please send the invoice for March", "Add a colleague to our account",
              "Question about the contract renewal", "Can we get a test stream key",
              "Change the billing contact", "Request a new dedicated line quote"]
ONE_OFF_ZH = ["请开三月份的发票", "帮我们的同事开通账号", "咨询合同续约", "申请一个测试推流地址",
              "修改账单联系人", "申请专线报价"]
ENCODERS = ["OBS", "vMix", "ffmpeg", "Wirecast", "our hardware encoder"]
HOSTS = ["push.example.com", "push-eu.example.com", "push-sea.example.com"]
EN_TEMPLATES = [
    "{encoder} shows \"{symptom}\" when we go live",
    "Since {time} our stream {sid} fails: {symptom}",
    "Viewers report {symptom} on stream {sid}",
    "Pushing to {host} gives {symptom}",
    "{symptom} again on {sid}, please help",
]
ZH_TEMPLATES = [
    "{encoder}开播时提示“{symptom}”",
    "从{time}开始，直播流{sid}出现问题：{symptom}",
    "观众反馈直播流{sid}{symptom}",
    "推流到{host}时{symptom}",
    "{sid}又出现{symptom}，请协助",
]


def launch_articles() -> list[dict]:
    from kb.articles.fixture_files import find_article_files, parse_article_file

    return [
        {"slug": f.slug, "language": f.language, "symptoms": list(f.symptoms),
         "problems": list(f.problem_codes), "title": f.title}
        for f in map(parse_article_file, find_article_files(FIXTURES / "articles"))
    ]


def _wording(rng: random.Random, language: str, symptom: str) -> str:
    templates = ZH_TEMPLATES if language == "zh-hans" else EN_TEMPLATES
    return rng.choice(templates).format(
        encoder=rng.choice(ENCODERS), symptom=symptom, host=rng.choice(HOSTS),
        sid=f"live-{rng.randint(1000, 99999)}",
        time=f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}")


def _log(rng: random.Random, symptom: str) -> str:
    lines = []
    for _ in range(rng.randint(20, 60)):
        t = (f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
             f".{rng.randint(0, 999):03d}")
        lines.append(f"{t}: [rtmp stream: adv_stream] sent {rng.randint(100, 9999)} bytes")
    at = rng.randrange(len(lines))
    lines.insert(at, f"12:00:01.{rng.randint(100, 999)}: [rtmp stream: adv_stream] "
                     f"Connection to rtmp://{rng.choice(HOSTS)}/live failed: {symptom}")
    return "\n".join(lines)


def generate(n: int, seed: int = 11) -> dict:
    """Write ``n`` closed tickets straight into the tables (bulk)."""
    from kb.articles.models import Article
    from kb.problems.models import Problem
    from kb.tickets.models import Organization, Team, Ticket, TicketAttachment, TicketEvent

    rng = random.Random(seed)
    articles = launch_articles()
    ids = dict(((a.slug, a.language), a.pk) for a in Article.objects.all())
    problem_ids = dict(Problem.objects.values_list("code", "pk"))
    user = get_user_model().objects.create_user("bench-customer")
    staff = get_user_model().objects.create_user("bench-engineer", is_staff=True)
    org = Organization.objects.create(name="Bench Live")
    org.members.add(user)
    team = Team.objects.get(code="eu")
    now = timezone.now()
    through_a = Ticket.articles.through
    through_p = Ticket.problems.through
    counts = {"article": 0, "novel": 0, "one-off": 0, "reopened": 0, "attachments": 0}
    batch = 5000
    for start in range(0, n, batch):
        tickets, links, codes, events, attachments = [], [], [], [], []
        for _ in range(min(batch, n - start)):
            roll = rng.random()
            language = "zh-hans" if rng.random() < 0.45 else "en"
            created = now - dt.timedelta(minutes=rng.randint(60, 360 * 24 * 60))
            closed = created + dt.timedelta(minutes=rng.randint(30, 5 * 24 * 60))
            article = resolution = log = None
            if roll < 0.6:
                candidates = [a for a in articles if a["language"] == language] or articles
                article = rng.choice(candidates)
                symptom = rng.choice(article["symptoms"] or [article["title"]])
                subject = _wording(rng, language, symptom)[:200]
                description = (f"{subject}。{_wording(rng, language, symptom)}。"
                               if language == "zh-hans" else
                               f"{subject}. {_wording(rng, language, symptom)}. "
                               f"We restarted {rng.choice(ENCODERS)} already.")
                resolution = ""
                if rng.random() < 0.1:
                    log = _log(rng, symptom)
                kind = "article"
            elif roll < 0.9:
                theme = rng.choice(NOVEL_ZH if language == "zh-hans" else NOVEL_EN)
                subject = _wording(rng, language, theme[0])[:200]
                description = f"{subject}. {theme[1]} ({rng.choice(ENCODERS)})."
                resolution = theme[2]
                kind = "novel"
            else:
                subject = rng.choice(ONE_OFF_ZH if language == "zh-hans" else ONE_OFF_EN)
                description = f"{subject} (ref {rng.randint(10000, 99999)})"
                resolution = "Done."
                kind = "one-off"
            counts[kind] += 1
            tickets.append(Ticket(
                organization=org, requester=user, subject=subject, description=description,
                priority=rng.choice(["P1", "P2", "P3", "P3", "P4"]),
                region=rng.choice(["na", "eu", "sea", "cn", "latam", "mea"]),
                status=Ticket.Status.CLOSED, team=team, assignee=staff,
                acknowledge_due=created + dt.timedelta(hours=4),
                locate_due=created + dt.timedelta(days=2),
                resolve_due=created + dt.timedelta(days=5),
                acknowledged_at=created + dt.timedelta(minutes=rng.randint(1, 400)),
                located_at=created + dt.timedelta(minutes=rng.randint(400, 3000)),
                resolved_at=closed, closed_at=closed, created_at=created,
                resolution_summary=resolution or "",
            ))
            links.append((article, log, rng.random() < 0.08 and article is not None))
        with transaction.atomic():
            created_tickets = Ticket.objects.bulk_create(tickets)
            for ticket, (article, log, reopened) in zip(created_tickets, links, strict=True):
                if article is None:
                    continue
                links_row = through_a(ticket_id=ticket.pk,
                                      article_id=ids[(article["slug"], article["language"])])
                codes.extend(through_p(ticket_id=ticket.pk, problem_id=problem_ids[c])
                             for c in article["problems"] if c in problem_ids)
                events.append(links_row)
                if log:
                    attachments.append(TicketAttachment(
                        ticket=ticket, name="obs.log", content=log, size=len(log),
                        detected="obs-log", created_at=ticket.created_at))
                if reopened:
                    counts["reopened"] += 1
                    events.append(TicketEvent(ticket=ticket, kind="status", code="reopened",
                                              text="Reopened.", created_at=ticket.closed_at))
            through_a.objects.bulk_create([e for e in events if isinstance(e, through_a)])
            TicketEvent.objects.bulk_create([e for e in events if isinstance(e, TicketEvent)])
            through_p.objects.bulk_create(codes, ignore_conflicts=True)
            TicketAttachment.objects.bulk_create(attachments)
            counts["attachments"] += len(attachments)
    return counts


def child_replay() -> None:
    """Runs in its own process so its peak memory is the replay's own."""
    from kb.learning.services import learn_replay

    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_SELF)
    report = learn_replay(reindex=False)
    seconds = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime - before.ru_utime + usage.ru_stime - before.ru_stime
    peak_mb = usage.ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb,
                      "tickets": len(report.outcome), "links": dict(report.links),
                      "gaps": report.gaps_created,
                      "articles": len(report.articles_touched)}))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def time_single_closes(samples: int = 200) -> dict[str, list[float]]:
    """The task body on fresh closes, against the database the replay left."""
    from kb.learning.services import learn_from_ticket
    from kb.tickets.models import Ticket

    rng = random.Random(5)
    closed = list(Ticket.objects.filter(status="closed").order_by("?").values_list(
        "pk", flat=True)[:samples * 4])
    with_article = set(Ticket.articles.through.objects.filter(ticket_id__in=closed)
                       .values_list("ticket_id", flat=True))
    timings: dict[str, list[float]] = {"with article": [], "without article": []}
    rng.shuffle(closed)
    from kb.learning.models import TicketLearning

    for ticket_id in closed:
        kind = "with article" if ticket_id in with_article else "without article"
        if len(timings[kind]) >= samples:
            continue
        # A fresh close: forget what was learned from it, then learn again.
        TicketLearning.objects.filter(pk=ticket_id).delete()
        t0 = time.perf_counter()
        learn_from_ticket(ticket_id=ticket_id)
        timings[kind].append(time.perf_counter() - t0)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_replay()
        return

    from kb.articles.fixture_files import articles_load_fixtures
    from kb.problems.services import problems_load_fixture
    from kb.search.indexing import index_rebuild
    from kb.search.receivers import index_updates_paused
    from kb.setup.services import runtime_folders_ensure
    from kb.tickets.services import sla_policies_ensure, teams_load_fixture

    runtime_folders_ensure()
    call_command("migrate", verbosity=0)
    problems_load_fixture(path=FIXTURES / "problems.json")
    teams_load_fixture(path=FIXTURES / "teams.toml")
    sla_policies_ensure()
    with index_updates_paused():
        articles_load_fixtures(root=FIXTURES / "articles")
    index_rebuild()
    # The launch fixes existed long before the generated tickets were opened.
    from kb.articles.models import Article

    Article.objects.update(published_at=timezone.now() - dt.timedelta(days=800))
    t0 = time.perf_counter()
    counts = generate(args.tickets)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; work folder {WORK}")
    print(f"generated {args.tickets:,} closed tickets in {time.perf_counter() - t0:.1f} s: "
          + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    connection.close()

    env = {**os.environ, "KB_BENCH_WORK": str(WORK)}
    out = subprocess.run([sys.executable, __file__, "--child"], env=env, check=True,
                         capture_output=True, text=True).stdout
    replay = json.loads(out.strip().splitlines()[-1])
    verdict = "meets" if replay["seconds"] < 60 and replay["peak_mb"] < 1024 else "MISSES"
    print(f"replay (learn_replay, one process): {replay['tickets']:,} tickets in "
          f"{replay['seconds']:.1f} s ({replay['cpu']:.1f} s of CPU), peak memory "
          f"{replay['peak_mb']:.0f} MB "
          f"({verdict} the 60 s / 1 GB target); links {replay['links']}; "
          f"{replay['gaps']} knowledge gaps; {replay['articles']} articles")

    timings = time_single_closes()
    for kind, values in timings.items():
        p95 = percentile(values, 95)
        print(f"one close, task body, {kind}: p50 {statistics.median(values) * 1000:.1f} ms, "
              f"p95 {p95 * 1000:.1f} ms over {len(values)} closes "
              f"({'meets' if p95 < 0.05 else 'MISSES'} the 50 ms target)")
    connection.close()
    if not os.environ.get("KB_BENCH_KEEP"):
        import shutil

        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
